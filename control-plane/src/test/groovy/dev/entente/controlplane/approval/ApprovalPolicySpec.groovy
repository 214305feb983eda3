package dev.entente.controlplane.approval

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.approval.ApprovalGate
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Unroll

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 18: approval policies changed while the hub runs. Configuration gives the defaults; an
 * admin's setting is stored, audited with who and why, kept across a restart, and a temporary one
 * reverts by itself at its deadline. Lowering a policy that requires approval needs a second
 * operator, and while a lowered policy is in force doctor (DR024) and status say so.
 */
@Stepwise
class ApprovalPolicySpec extends Specification {
    // Sweep-interval jobs (the policy revert among them) every second, so a revert shows within the spec's wait.
    static final Map CONFIGURED = ['entente.approvals.policy.peer.revoke': 'require_approval', 'entente.sweep.interval': '1s']
    @Shared MutableClock clock = new MutableClock()
    @Shared Path dir = Files.createTempDirectory('approval-policy')
    @Shared RunningHub a
    @Shared Map<String, String> tokens = [:]

    def setupSpec() {
        a = start('hub-a', clock, CONFIGURED, dir)
        // carol, an admin, asks: dana was minted by admin, and the two-person rule keeps her from approving admin's requests
        ['dana': 'approver', 'alice': 'operator', 'carol': 'admin'].each { who, role ->
            def r = run(null, 'operators', 'token', 'issue', '--for', who, '--role', role)
            assert r.code == 0: r.err
            tokens[who] = r.json.token
        }
    }

    def cleanupSpec() {
        a?.stop()
    }

    @Unroll
    def "with nothing set, #action is #policy from configuration"() {
        when:
        def p = policies().find { it.action == action }

        then:
        p.policy == policy
        p.source == 'config'
        p.configured == policy
        p.set_by == null
        !p.lowered

        where:
        action              || policy
        'peer.revoke'       || 'require_approval'
        'ca.rotate'         || 'auto'
        'grant.issue.write' || 'auto'
        'peer.accept'       || 'auto'
    }

    def "every action a policy exists for is listed"() {
        expect:
        policies()*.action == ApprovalGate.ACTIONS
    }

    @Unroll
    def "a bad change is refused with #code: #args"() {
        when:
        def r = run(null, *(['approvals', 'policy', 'set'] + args))

        then:
        r.code != 0
        r.problem.code == code

        where:
        args                                                       || code
        ['peer.delete', 'auto', '--reason', 'x']                   || 'approval_policy_invalid'
        ['peer.revoke', 'manual', '--reason', 'x']                 || 'approval_policy_invalid'
        ['peer.revoke', 'auto', '--for', 'soon', '--reason', 'x']  || 'invalid_request'
        ['peer.revoke', 'auto', '--for', '31d', '--reason', 'x']   || 'invalid_request'
        ['peer.revoke', 'auto', '--reason', ' ']                   || 'invalid_request'
    }

    def "an operator may not change policies: admin only"() {
        when:
        def r = run('alice', 'approvals', 'policy', 'set', 'ca.rotate', 'require_approval', '--reason', 'mine')

        then:
        r.problem.code == 'auth_role_forbidden'
        policies().find { it.action == 'ca.rotate' }.policy == 'auto'
    }

    def "a temporary require_approval reverts by itself at its deadline, with a hub event"() {
        when: 'raising never waits for approval'
        def r = run(null, 'approvals', 'policy', 'set', 'ca.rotate', 'require_approval', '--for', '30m',
                '--reason', 'rotation window')

        then:
        r.code == 0
        r.json.policy.policy == 'require_approval'
        with(policies().find { it.action == 'ca.rotate' }) {
            policy == 'require_approval'
            source == 'database'
            set_by == 'admin'
            reason == 'rotation window'
            until != null
        }
        run(null, 'ca', 'rotate', 'start').json.approval.state == 'pending'
        events('approval_policy.set').any { it.subject == 'ca.rotate' && it.details.reason == 'rotation window' }

        when: 'the deadline passes'
        clock.advance(Duration.ofMinutes(31))

        then: 'the configured policy is in force at once, and the job records the revert'
        policies().find { it.action == 'ca.rotate' }.source == 'config'
        eventually(30) { events('approval_policy.reverted').any { it.subject == 'ca.rotate' } }
        events('approval_policy.reverted').find { it.subject == 'ca.rotate' }.actor == 'system:approvals'
        sql(a) { it.rows('SELECT * FROM approval_policies WHERE action = ?', ['ca.rotate']) }.isEmpty()
    }

    def "lowering a require_approval policy needs a second operator; DR024 and status warn while it is in force"() {
        when:
        def r = run('carol', 'approvals', 'policy', 'set', 'peer.revoke', 'auto', '--for', '30m', '--reason', 'leaked node key')

        then: 'a request, nothing applied'
        r.code == 0
        r.json.approval.state == 'pending'
        r.json.approval.action == 'approval_policy.set'
        policies().find { it.action == 'peer.revoke' }.policy == 'require_approval'

        when: 'an approver approves it'
        def approved = run('dana', 'approvals', 'approve', r.json.approval.id)

        then:
        approved.code == 0
        with(policies().find { it.action == 'peer.revoke' }) {
            policy == 'auto'
            source == 'database'
            set_by == 'carol'
            lowered
        }
        findings(a, 'DR024').size() == 1
        findings(a, 'DR024')[0].diagnosis.contains('leaked node key')
        run(null, 'status').json.warnings.any { it.startsWith('DR024') }
    }

    def "a policy set for good survives a restart"() {
        given:
        run(null, 'approvals', 'policy', 'set', 'grant.issue.write', 'require_approval', '--reason', 'partners write rarely')

        when:
        a.stop()
        a = start('hub-a', clock, CONFIGURED, dir)

        then:
        with(policies().find { it.action == 'grant.issue.write' }) {
            policy == 'require_approval'
            source == 'database'
            reason == 'partners write rarely'
        }
        policies().find { it.action == 'peer.revoke' }.lowered
    }

    def "raising it again ends the warning; setting what is in force is a no-op"() {
        when:
        run(null, 'approvals', 'policy', 'set', 'peer.revoke', 'require_approval', '--reason', 'emergency over')
        int before = events('approval_policy.set').size()
        run(null, 'approvals', 'policy', 'set', 'peer.revoke', 'require_approval', '--reason', 'again')

        then:
        findings(a, 'DR024').isEmpty()
        events('approval_policy.set').size() == before
        policies().find { it.action == 'peer.revoke' }.reason == 'emergency over'
    }

    private List<Map> policies() {
        def r = run(null, 'approvals', 'policy', 'list')
        assert r.code == 0: r.err
        r.json
    }

    private List<Map> events(String type) {
        // An operator's change is in the operators' audit, the hub's own revert among its events.
        def cmd = type == 'approval_policy.set' ? ['audit', 'ls', '--type', type] : ['events', '--type', type]
        def r = run(null, *(cmd + ['--since', '1d']))
        assert r.code == 0: r.err
        r.json
    }

    private Map run(String who, String... args) {
        TestHubs.cliAs(a, who == null ? null : tokens[who], args)
    }
}
