package dev.entente.controlplane.findings

import dev.entente.ca.tls.TlsState
import dev.entente.lifecycle.db.Tx
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.hub.HubWorker
import dev.entente.controlplane.hub.RunningHub
import dev.entente.heartbeat.scan.FindingsScanner
import dev.entente.heartbeat.schedule.WorkerRuns
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.time.Duration
import java.util.concurrent.Callable
import java.util.concurrent.Executors

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 6, the governance scan on one real hub: each condition is created for real (a 10-day TLS
 * certificate, a handshake left half-way with the clock moved on, a grant issued for 2 days), the
 * scan is run directly (the in-process worker is off, so Quartz cannot run it in between), and
 * the stored findings are read back through {@code entente findings list}. Clearing a condition
 * resolves its finding on the next scan; a scan that sees nothing new changes nothing.
 */
@Stepwise
class FindingsSpec extends Specification {
    static final List<String> KEYS = ['id', 'code', 'subject', 'severity', 'detail', 'first_seen_at', 'last_seen_at',
                                      'resolved_at']

    @Shared MutableClock clock = new MutableClock()
    @Shared RunningHub hub
    @Shared FindingsScanner scanner
    @Shared String peerId
    @Shared String grantId

    def setupSpec() {
        hub = start('hub-a', clock, ['entente.tls.cert-validity': '10d', 'entente.worker.in-process': 'false'])
        scanner = hub.bean(dev.entente.heartbeat.scan.FindingsScanner)
    }

    def cleanupSpec() {
        hub?.stop()
    }

    def "cert_expiring: a hub with a 10-day certificate gets a stored, listed, audited finding"() {
        expect: 'nothing is stored before a scan'
        list().isEmpty()

        when:
        def outcome = scan()
        def listed = list()

        then:
        outcome.opened()*.code() == ['cert_expiring']
        outcome.resolved().isEmpty()
        listed.size() == 1
        listed[0].keySet() as List == KEYS
        listed[0].code == 'cert_expiring'
        listed[0].subject == hub.bean(TlsState).current().fingerprint()
        listed[0].severity == 'warning'
        listed[0].detail.contains('expires at')
        listed[0].resolved_at == null
        audited('finding.opened') == 1

        and: 'the table form is one line per finding'
        def table = cli(hub, 'findings', 'list')
        table.code == 0
        table.out.readLines().any { it.contains('cert_expiring') }
    }

    def "stale_accepted_without_handshake and grant_expiring: a half-linked peer with a 2-day grant, 2 hours on"() {
        given: 'a hub that uses the token and then vanishes, as a crash mid-handshake does'
        def proposed = cli(hub, 'peers', 'propose', '--name', 'hub-far', '--output', 'json')
        peerId = proposed.json.peer.id
        def r = HubHttp.post(hub.url() + '/federation/v1/handshake/accept', JsonOutput.toJson([
                protocol_version: 1, token: proposed.json.acceptance_token, hub_id: 'hub_0badc0de',
                // reachable while it accepts (the proposer calls it back): the hub's own URL
                url: hub.url(), tls_fingerprint: hub.bean(TlsState).current().fingerprint(),
                csr: Certificates.csr(Certificates.ed25519(), 'gone')]))
        assert r.status == 200: r.text
        def issued = cli(hub, 'grants', 'issue', '--peer', peerId, '--scopes', 'read', '--expires-in', '2d', '--output', 'json')
        assert issued.code == 0: issued.err
        grantId = issued.json.grant.id

        when: 'fresh, only the grant is reported'
        def fresh = scan()

        then:
        fresh.opened()*.code() == ['grant_expiring']
        fresh.opened()[0].subject() == grantId

        when:
        clock.advance(Duration.ofHours(2))
        def later = scan()
        def open = list()

        then:
        later.opened()*.code() == ['stale_accepted_without_handshake']
        later.opened()[0].subject() == peerId
        later.resolved().isEmpty()
        open*.code as Set == ['cert_expiring', 'grant_expiring', 'stale_accepted_without_handshake'] as Set
        open.find { it.code == 'stale_accepted_without_handshake' }.detail =~ /peer hub-far stuck in accepted for 2h/
        open.find { it.code == 'grant_expiring' }.detail.contains('of peer hub-far')
        audited('finding.opened') == 3
    }

    def "running the scan twice changes nothing"() {
        given:
        def before = list()

        when:
        def first = scan()
        def second = scan()
        def after = list()

        then:
        [first, second].every { it.opened().isEmpty() && it.resolved().isEmpty() && it.open() == 3 }
        after.collect { it.subMap(['id', 'code', 'subject', 'first_seen_at', 'resolved_at']) } ==
                before.collect { it.subMap(['id', 'code', 'subject', 'first_seen_at', 'resolved_at']) }
        audited('finding.opened') == 3
        audited('finding.resolved') == 0
    }

    def "revoking the grant resolves grant_expiring on the next scan, and --all still lists it"() {
        when:
        assert cli(hub, 'grants', 'revoke', grantId).code == 0
        def outcome = scan()
        def all = cli(hub, 'findings', 'list', '--all', '--output', 'json').json

        then:
        outcome.resolved()*.code() == ['grant_expiring']
        outcome.opened().isEmpty()
        list()*.code as Set == ['cert_expiring', 'stale_accepted_without_handshake'] as Set
        all.size() == 3
        all.find { it.code == 'grant_expiring' }.resolved_at != null
        audited('finding.resolved') == 1
    }

    def "revoking the stuck peer resolves stale_accepted_without_handshake"() {
        when:
        assert cli(hub, 'peers', 'revoke', peerId, '--reason', 'handshake never finished').code == 0
        def outcome = scan()

        then:
        outcome.resolved()*.code() == ['stale_accepted_without_handshake']
        outcome.resolved()[0].subject() == peerId
        list()*.code == ['cert_expiring']
        audited('finding.resolved') == 2
    }

    def "two replicas scanning at once open a new condition once, with one audit event"() {
        given: 'a second peer and a grant of 1 day'
        def proposed = cli(hub, 'peers', 'propose', '--name', 'hub-near', '--output', 'json')
        def grant = cli(hub, 'grants', 'issue', '--peer', proposed.json.peer.id, '--scopes', 'read',
                '--expires-in', '1d', '--output', 'json').json.grant.id
        def pool = Executors.newFixedThreadPool(2)

        when:
        def outcomes = pool.invokeAll([1, 2].collect {
            { -> replica().scan(clock.instant()) } as Callable
        })*.get()

        then:
        outcomes.sum { it.opened().size() } == 1
        list().findAll { it.code == 'grant_expiring' }*.subject == [grant]
        audited('finding.opened') == 4

        cleanup:
        pool.shutdown()
    }

    def "the worker schedules the scan as governance_scan, every sweep interval"() {
        given:
        def other = start('hub-b', new MutableClock(), FAST + ['entente.tls.cert-validity': '10d'])

        expect:
        HubWorker.GOVERNANCE_SCAN_TASK == 'governance_scan'
        eventually(20) { new WorkerRuns(other.bean(Tx).dataSource()).find('governance_scan').isPresent() }
        eventually(20) { cli(other, 'findings', 'list', '--output', 'json').json*.code == ['cert_expiring'] }

        cleanup:
        other?.stop()
    }

    /** A scanner of its own, as another replica would have. */
    private FindingsScanner replica() {
        new FindingsScanner(hub.bean(dev.entente.federation.doctor.Doctor).checks(), hub.bean(Tx),
                hub.bean(dev.entente.lifecycle.audit.AuditLog))
    }

    private FindingsScanner.Outcome scan() {
        scanner.scan(clock.instant())
    }

    private List<Map> list() {
        def r = cli(hub, 'findings', 'list', '--output', 'json')
        assert r.code == 0: r.err
        r.json
    }

    private long audited(String type) {
        sql(hub) { it.firstRow('SELECT count(*) AS n FROM audit_events WHERE type = ?', [type]).n } as long
    }
}
