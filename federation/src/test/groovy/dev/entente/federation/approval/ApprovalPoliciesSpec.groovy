package dev.entente.federation.approval

import dev.entente.federation.command.SetApprovalPolicy
import dev.entente.federation.peer.PeerFixture
import dev.entente.lifecycle.error.EntenteException
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset

/**
 * Issue 18: approval policies as configuration's defaults under what operators set while the hub
 * runs. A temporary setting is in force until its deadline, not at it, and then what it replaced
 * is; the revert restores that row once, with a hub event.
 */
class ApprovalPoliciesSpec extends Specification {
    @Shared @AutoCleanup PeerFixture f = new PeerFixture()
    static final Instant T0 = PeerFixture.NOW
    static final Map CONFIGURED = ApprovalGate.ACTIONS.collectEntries { [(it): 'auto'] } + ['peer.revoke': 'require_approval']

    def setup() {
        f.sql.execute('DELETE FROM approval_policies')
    }

    private ApprovalPolicies at(Instant now) {
        new ApprovalPolicies(f.tx, f.audit, Clock.fixed(now, ZoneOffset.UTC), CONFIGURED)
    }

    private static Duration min(long n) {
        Duration.ofMinutes(n)
    }

    @Unroll
    def "#steps: peer.revoke is #policy from #source at +#minutes m"() {
        given:
        steps.each { step ->
            at(T0).set('peer.revoke', step[0], step[1] == null ? null : min(step[1]), 'spec', 'alice')
        }

        expect:
        def p = at(T0).list(T0 + min(minutes)).find { it.action() == 'peer.revoke' }
        p.policy() == policy
        p.source() == source
        p.lowered() == (policy == 'auto')

        where:
        steps                                           | minutes || policy             | source
        []                                              | 0       || 'require_approval' | 'config'
        [['auto', 30]]                                  | 29      || 'auto'             | 'database'
        [['auto', 30]]                                  | 30      || 'require_approval' | 'config'
        [['auto', null]]                                | 600     || 'auto'             | 'database'
        [['auto', null], ['require_approval', 30]]      | 29      || 'require_approval' | 'database'
        [['auto', null], ['require_approval', 30]]      | 31      || 'auto'             | 'database'
        [['auto', 30], ['auto', 60]]                    | 61      || 'require_approval' | 'config'
    }

    def "the revert restores what a temporary setting replaced, once, with a hub event"() {
        given:
        at(T0).set('peer.revoke', 'auto', null, 'for good', 'alice')
        at(T0).set('peer.revoke', 'require_approval', min(30), 'for a while', 'bob')

        when:
        int first = at(T0).revertDue(T0 + min(30))
        int second = at(T0).revertDue(T0 + min(30))

        then:
        first == 1
        second == 0
        def p = at(T0).list(T0 + min(31)).find { it.action() == 'peer.revoke' }
        p.policy() == 'auto'
        p.setBy() == 'alice'
        p.reason() == 'for good'
        p.until() == null
        f.sql.firstRow("SELECT actor, subject FROM audit_events WHERE type = 'approval_policy.reverted' ORDER BY seq DESC LIMIT 1")
                .with { [it.actor, it.subject] } == ['system:approvals', 'peer.revoke']
    }

    @Unroll
    def "setting #target to #policy#forText is refused with #code"() {
        when:
        new SetApprovalPolicy(target, policy, duration, 'spec')

        then:
        def e = thrown(EntenteException)
        e.code().code() == code

        where:
        target        | policy             | duration || code
        'peer.delete' | 'auto'             | null     || 'approval_policy_invalid'
        'peer.revoke' | 'maybe'            | null     || 'approval_policy_invalid'
        'peer.revoke' | 'auto'             | '0s'     || 'invalid_request'
        'peer.revoke' | 'auto'             | '31d'    || 'invalid_request'
        'peer.revoke' | 'auto'             | 'later'  || 'invalid_request'
        forText = duration == null ? '' : " for $duration"
    }

    @Unroll
    def "changing #current to #wanted lowers it: #lowers"() {
        expect:
        new SetApprovalPolicy('peer.revoke', wanted, null, 'spec').lowers(current) == lowers

        where:
        current            | wanted             || lowers
        'require_approval' | 'auto'             || true
        'require_approval' | 'require_approval' || false
        'auto'             | 'auto'             || false
        'auto'             | 'require_approval' || false
    }
}
