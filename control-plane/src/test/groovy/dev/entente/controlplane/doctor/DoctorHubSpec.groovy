package dev.entente.controlplane.doctor

import dev.entente.lifecycle.db.Tx
import dev.entente.controlplane.federation.FederationService
import dev.entente.ca.tls.TlsState
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.doctor.Checks
import dev.entente.federation.doctor.Doctor
import dev.entente.lifecycle.doctor.DoctorCode
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.time.Duration

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 6, doctor on one real hub: each feature creates one fault for real (a short certificate,
 * a loopback bind with a proposed peer, a handshake left half-way, time moved past expiry, an audit
 * row edited with SQL, a migration row deleted, the worker stopped, the database closed) and
 * checks that doctor reports its code, with a next command that parses and the exit code that
 * follows from the severities.
 */
@Stepwise
class DoctorHubSpec extends Specification {
    @Shared MutableClock clock = new MutableClock()
    @Shared RunningHub hub
    @Shared String peerId
    @Shared String token

    def setupSpec() {
        hub = start('hub-a', clock, FAST + ['entente.tls.cert-validity': '10d'])
    }

    def cleanupSpec() {
        hub?.stop()
    }

    def "DR003: a hub started with a 10-day certificate gets a warning, and doctor still exits 0"() {
        when:
        def report = doctor(hub)
        def table = cli(hub, 'doctor')

        then:
        report.findings*.code == ['DR003']
        report.findings[0].severity == 'warning'
        report.findings[0].name == 'tls_cert_expiring'
        report.findings[0].next_command == 'entente tls rotate'
        report.findings[0].subject == hub.bean(TlsState).current().fingerprint()
        report.code == 0

        and: 'the table is one line per finding with the next command'
        table.code == 0
        table.out.readLines().size() == 1
        table.out =~ /^DR003\s+warning\s+the hub's TLS certificate expires at .* in 9d 23h\s+next: entente tls rotate$/
    }

    def "DR004: bound to loopback while a proposed peer will have to reach the hub from elsewhere"() {
        when:
        def proposed = cli(hub, 'peers', 'propose', '--name', 'hub-far', '--output', 'json')
        peerId = proposed.json.peer.id
        token = proposed.json.acceptance_token
        def dr004 = findings(hub, 'DR004')

        then:
        proposed.code == 0
        dr004.size() == 1
        dr004[0].severity == 'warning'
        dr004[0].subject == '127.0.0.1'
        dr004[0].diagnosis.contains('hub-far')
        dr004[0].next_command == "entente start --bind 0.0.0.0 --port ${hub.port()}".toString()
    }

    def "DR006: a peer left in accepted (the accepter never completed) is stale_accepted_without_handshake"() {
        given: 'a hub that uses the token and then vanishes, as a crash mid-handshake does'
        def r = HubHttp.post(hub.url() + '/federation/v1/handshake/accept', JsonOutput.toJson([
                protocol_version: 1, token: token, hub_id: 'hub_0badc0de',
                // reachable while it accepts (the proposer calls it back): the hub's own URL
                url: hub.url(), tls_fingerprint: hub.bean(TlsState).current().fingerprint(),
                csr: Certificates.csr(Certificates.ed25519(), 'gone')]))
        assert r.status == 200: r.text

        expect: 'fresh, it is not reported yet'
        hub.bean(FederationService).peers().find(UUID.fromString(peerId)).get().state().value() == 'accepted'
        findings(hub, 'DR006').isEmpty()

        when:
        clock.advance(Duration.ofHours(2))
        def dr006 = findings(hub, 'DR006')

        then:
        dr006.size() == 1
        dr006[0].name == 'stale_accepted_without_handshake'
        dr006[0].subject == peerId
        dr006[0].diagnosis =~ /peer hub-far stuck in accepted for 2h/
        dr006[0].next_command == "entente peers show $peerId".toString()

        and: 'its address is now known and is loopback: DR004 no longer applies'
        findings(hub, 'DR004').isEmpty()
    }

    def "DR003: once the hub's clock passes the certificate's not-after, the finding is an error and doctor exits 1"() {
        when:
        clock.advance(Duration.ofDays(10))
        def report = doctor(hub)

        then:
        report.findings.find { it.code == 'DR003' }.severity == 'error'
        report.findings.find { it.code == 'DR003' }.diagnosis.contains('expired')
        report.code == 1
        !report.ok
    }

    def "DR014: an audit row edited with SQL breaks the chain"() {
        when:
        sql(hub) { it.executeUpdate("UPDATE audit_events SET details = '{\"name\":\"mallory\"}' WHERE seq = 2") }
        def dr014 = findings(hub, 'DR014')

        then:
        dr014.size() == 1
        dr014[0].severity == 'error'
        dr014[0].subject == '2'
        dr014[0].diagnosis.contains('breaks at event 2')
        dr014[0].next_command == 'entente audit verify'
    }

    def "DR002: a migration missing from the schema history (a restore older than the binary) is pending"() {
        given: 'the newest migration: a restore lacks the last ones (an older one missing is out of order, not pending)'
        String latest = sql(hub) { it.firstRow("SELECT version FROM flyway_schema_history WHERE version IS NOT NULL "
                + "ORDER BY installed_rank DESC LIMIT 1").version }

        when:
        sql(hub) { it.executeUpdate("DELETE FROM flyway_schema_history WHERE version = ?", [latest]) }
        def dr002 = findings(hub, 'DR002')

        then:
        dr002.size() == 1
        dr002[0].severity == 'error'
        dr002[0].subject == "V$latest".toString()
        dr002[0].diagnosis.contains('not applied')
    }

    def "the hub's doctor has one check for every code but DR000, in code order"() {
        expect:
        hub.bean(dev.entente.federation.doctor.Doctor).checks()*.code() == (DoctorCode.values() as List) - DoctorCode.DR000
    }

    def "DR000: a check that throws is its own finding and hides nothing else"() {
        given:
        def boom = Checks.of(DoctorCode.DR012, true, { n -> throw new IllegalStateException('boom') } as Checks.Body)
        def kept = hub.bean(dev.entente.federation.doctor.Doctor).checks().findAll { it.code() in [DoctorCode.DR014, DoctorCode.DR003] }
        def doctor = new Doctor([boom] + kept)

        when:
        def report = doctor.run(hub.bean(java.time.Clock).instant())

        then:
        report.findings()*.code()*.name() as Set == ['DR000', 'DR014', 'DR003'] as Set
        with(report.findings().find { it.code() == DoctorCode.DR000 }) {
            diagnosis() == 'check DR012 (rotation_stuck) failed: IllegalStateException: boom'
            nextCommand() == 'entente doctor --explain DR012'
        }
        !report.ok()
    }

    def "DR005: with the worker stopped, neither the sweep nor the heartbeat sender runs within 3 intervals"() {
        expect: 'the worker runs both tasks'
        eventually(10) { findings(hub, 'DR005').isEmpty() }

        when:
        hub.worker().close()

        then:
        eventually(15) { findings(hub, 'DR005')*.subject as Set == ['stale_sweep', 'heartbeat_sender'] as Set }
        findings(hub, 'DR005').every { it.severity == 'error' && it.next_command == 'entente worker' }
    }

    def "DR001: with the database gone the API still answers 200, reports it, and skips the checks that need it"() {
        when:
        (hub.bean(Tx).dataSource() as Closeable).close() // the pool, as if PostgreSQL were gone
        def r = HubHttp.get(hub.url() + '/api/v1/doctor', TestHubs.adminToken(hub))
        def cli = cli(hub, 'doctor')

        then:
        r.status == 200
        r.json.ok == false
        r.json.findings*.code as Set == ['DR001', 'DR003'] as Set
        r.json.findings.find { it.code == 'DR001' }.diagnosis =~ /unreachable: .*; \d+ checks that read the database were skipped/

        and:
        cli.code == 1
        cli.out.readLines()[0].startsWith('DR001  error')
    }
}
