package dev.entente.controlplane.doctor

import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.time.Duration

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 6, doctor on deadlines that pass silently: an approval request left until its last quarter
 * (DR016) and a grant a few days from expiry (DR017, also the governance finding grant_expiring).
 * Each is created for real through the CLI; the hub's clock is moved instead of waiting.
 */
@Stepwise
class DoctorDeadlinesSpec extends Specification {
    @Shared MutableClock clock = new MutableClock()
    @Shared RunningHub hub
    @Shared Map<String, String> tokens = [:]
    @Shared String request
    @Shared String grant

    def setupSpec() {
        hub = start('hub-a', clock, ['entente.approvals.policy.ca.rotate': 'require_approval'])
        [alice: 'operator', bob: 'approver'].each { who, role ->
            tokens[who] = run(null, 'operators', 'token', 'issue', '--for', who, '--role', role).json.token
        }
    }

    def cleanupSpec() {
        hub?.stop()
    }

    def "DR016: alice's CA rotation waits for approval; in the last quarter of its 4h window doctor warns"() {
        when:
        def r = run('alice', 'ca', 'rotate', 'start')
        request = r.json.approval.id

        then: 'a fresh request is no finding'
        r.json.approval.state == 'pending'
        findings(hub, 'DR016').isEmpty()

        when:
        clock.advance(Duration.ofMinutes(3 * 60 + 15))
        def dr016 = findings(hub, 'DR016')

        then:
        dr016.size() == 1
        dr016[0].name == 'approval_near_timeout'
        dr016[0].severity == 'warning'
        dr016[0].subject == request
        dr016[0].diagnosis =~ /approval $request \(ca\.rotate, requested by alice\) times out in 4[45]m \d+s unless an approver decides/
        dr016[0].next_command == "entente approvals approve $request".toString()

        and: '--explain prints its runbook section'
        def explain = cli(hub, 'doctor', '--explain', 'DR016')
        explain.code == 0
        explain.out.startsWith('## DR016')
        explain.out.contains('entente approvals list')
    }

    def "DR016: once bob approves, the finding is gone"() {
        when:
        def r = run('bob', 'approvals', 'approve', request)

        then:
        r.code == 0
        findings(hub, 'DR016').isEmpty()
    }

    def "DR017: a grant expiring in 3 days is reported, and the governance scan opens grant_expiring for it"() {
        given:
        String peer = run(null, 'peers', 'propose', '--name', 'hub-b').json.peer.id

        when:
        def issued = run(null, 'grants', 'issue', '--peer', peer, '--scopes', 'read', '--expires-in', '3d')
        grant = issued.json.grant.id
        run(null, 'grants', 'issue', '--peer', peer, '--scopes', 'read', '--expires-in', '30d')
        def dr017 = findings(hub, 'DR017')

        then:
        dr017.size() == 1
        dr017[0].name == 'grant_expiring'
        dr017[0].subject == grant
        dr017[0].diagnosis =~ /grant $grant of peer hub-b expires in (2d 23h|3d 0h) .*; issue a replacement before then/
        dr017[0].next_command == "entente grants show $grant".toString()
        cli(hub, 'doctor', '--explain', 'DR017').out.startsWith('## DR017')

        when:
        hub.bean(dev.entente.heartbeat.scan.FindingsScanner).scan(clock.instant())

        then:
        run(null, 'findings', 'list').json.findAll { it.code == 'grant_expiring' }*.subject == [grant]
    }

    def "DR017: revoked, the grant is no longer reported and the finding resolves"() {
        when:
        run(null, 'grants', 'revoke', grant)
        hub.bean(dev.entente.heartbeat.scan.FindingsScanner).scan(clock.instant())

        then:
        findings(hub, 'DR017').isEmpty()
        run(null, 'findings', 'list').json.findAll { it.code == 'grant_expiring' }.isEmpty()
    }

    def "DR017 (issue 18): an auto-renewing grant is reported only when it will lapse all the same"() {
        given: 'a peer that is not active yet: the worker renews grants of active peers only'
        String peer = run(null, 'peers', 'propose', '--name', 'hub-c').json.peer.id

        when:
        String renewing = run(null, 'grants', 'issue', '--peer', peer, '--scopes', 'read', '--expires-in', '3d',
                '--auto-renew', '--max-lifetime', '30d').json.grant.id
        String atMax = run(null, 'grants', 'issue', '--peer', peer, '--scopes', 'read', '--expires-in', '3d',
                '--max-lifetime', '3d').json.grant.id

        then:
        findings(hub, 'DR017').find { it.subject == renewing }.diagnosis =~
                /grant $renewing of peer hub-c expires in .* and does not auto-renew while the peer is proposed; resume the peer/
        findings(hub, 'DR017').find { it.subject == atMax }.diagnosis =~
                /grant $atMax of peer hub-c reaches its maximum lifetime in .* and renews no further; raise it \(entente grants update $atMax --max-lifetime D\)/

        when: 'the peer is active: the grant below its maximum will renew, the one at its maximum will not'
        sql(hub) { it.execute("UPDATE peers SET state = 'active' WHERE id = ?::uuid", [peer]) }
        def dr017 = findings(hub, 'DR017')

        then:
        dr017.every { it.subject != renewing }
        dr017.any { it.subject == atMax }
        run(null, 'grants', 'list', '--peer', peer).json.collectEntries { [it.id, it.renews.split(' ')[0]] } ==
                [(renewing): 'auto', (atMax): 'lapses']
    }

    /** {@code entente ... --output json} as {@code who} (null: the hub's admin token). */
    private Map run(String who, String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        Map env = who == null ? [:] : [ENTENTE_TOKEN: tokens[who]]
        int code = Main.run(((args as List) + ['--output', 'json', '--data-dir', hub.settings().dataDir().toString()]) as String[],
                env, new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        assert code == 0: err.toString()
        [code: code, json: text ? new JsonSlurper().parseText(text) : null]
    }
}
