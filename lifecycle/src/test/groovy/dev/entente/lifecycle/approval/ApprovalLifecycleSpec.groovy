package dev.entente.lifecycle.approval

import dev.entente.lifecycle.EngineFixture
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration

import static dev.entente.lifecycle.EngineFixture.NOW

/** The two-person rule's guards, the columns each move fills, and the repository. */
class ApprovalLifecycleSpec extends Specification {
    @Shared @AutoCleanup EngineFixture db = new EngineFixture()

    def "approval is refused with #code when #why, and nothing is persisted"() {
        given:
        UUID id = db.approvalIn(ApprovalState.PENDING, NOW + Duration.ofHours(4))

        when:
        db.approvals.approve(id, approver, roles, at)

        then:
        EntenteException e = thrown()
        e.code() == code
        e.detail() ==~ message
        e.extensions().id == id.toString()

        and: 'still pending, untouched, unaudited'
        db.row(id).subMap('state', 'version', 'approver') == [state: 'pending', version: 0, approver: null]
        db.auditOf(id).isEmpty()

        where:
        why                                  | approver | roles                    | at                          || code                             | message
        'the requester approves their own'   | 'alice'  | ['approver']             | NOW                         || ErrorCode.APPROVAL_SELF_FORBIDDEN | /operator alice requested this approval and cannot approve it; ask another operator with the approver role/
        'the approver lacks the role'        | 'bob'    | ['operator']             | NOW                         || ErrorCode.APPROVAL_ROLE_REQUIRED  | /operator bob does not hold the approver role; ask an operator who does/
        'the approver has no roles at all'   | 'bob'    | []                       | NOW                         || ErrorCode.APPROVAL_ROLE_REQUIRED  | /operator bob does not hold the approver role.*/
        'the deadline has passed'            | 'bob'    | ['approver']             | NOW + Duration.ofHours(5)   || ErrorCode.APPROVAL_EXPIRED        | /approval .* expired at 2026-11-23T16:00:00Z; request the action again/
        'the deadline is exactly now'        | 'bob'    | ['approver']             | NOW + Duration.ofHours(4)   || ErrorCode.APPROVAL_EXPIRED        | /approval .* expired at .*/
        // the checks run in order: who you are before when you are
        'self-approval after the deadline'   | 'alice'  | ['approver']             | NOW + Duration.ofHours(5)   || ErrorCode.APPROVAL_SELF_FORBIDDEN | /operator alice .*/
    }

    def "approving a request the expiry job already expired is approval_expired, not transition_rejected"() {
        given:
        UUID id = db.approvalIn(ApprovalState.EXPIRED, NOW + Duration.ofHours(4))

        when:
        db.approvals.approve(id, 'bob', ['approver'], NOW)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.APPROVAL_EXPIRED
        e.detail() ==~ /approval .* expired before anyone approved it; request the action again/
        e.extensions().id == id.toString()
        db.row(id).state == 'expired'
    }

    def "a request runs its course: requested, approved by another operator, executed"() {
        given: 'alice asks to revoke a peer'
        Approval requested = db.repository.create('peer.revoke', 'alice', '{"peer":"hub_0badc0de"}', NOW + Duration.ofHours(4))

        expect:
        requested.state() == ApprovalState.PENDING
        requested.version() == 0
        db.repository.listByState(ApprovalState.PENDING)*.id().contains(requested.id())

        when: 'bob, an approver, approves before the deadline'
        def approved = db.approvals.approve(requested.id(), 'bob', ['operator', 'approver'], NOW + Duration.ofMinutes(10))

        then:
        approved.changed() && approved.to() == ApprovalState.APPROVED && approved.version() == 1
        with(db.repository.find(requested.id()).get()) {
            state() == ApprovalState.APPROVED
            approver() == 'bob'
            version() == 1
        }

        when: 'the action runs'
        db.approvals.complete(requested.id(), '{"revoked":true}')

        then: 'the result is stored and the audit trail tells the story'
        with(db.repository.find(requested.id()).get()) {
            state() == ApprovalState.EXECUTED
            result() == '{"revoked":true}'
            version() == 2
        }
        db.auditOf(requested.id())*.type == ['approval.approved', 'approval.executed']
        db.auditOf(requested.id())*.actor == ['bob', ApprovalLifecycle.SYSTEM_ACTOR]
        db.auditChainVerifies()
    }

    def "reject stores the reason; fail stores the error; expire leaves the columns alone"() {
        given:
        UUID toReject = db.approvalIn(ApprovalState.PENDING)
        UUID toFail = db.approvalIn(ApprovalState.APPROVED)
        UUID toExpire = db.approvalIn(ApprovalState.PENDING)

        when:
        db.approvals.reject(toReject, 'carol', 'not during the change freeze')
        db.approvals.fail(toFail, 'peer unreachable')
        db.approvals.expire(toExpire, NOW + Duration.ofHours(5))

        then:
        db.row(toReject).subMap('state', 'reason') == [state: 'rejected', reason: 'not during the change freeze']
        db.row(toFail).subMap('state', 'result') == [state: 'failed', result: 'peer unreachable']
        db.row(toExpire).subMap('state', 'approver', 'reason', 'result') == [state: 'expired', approver: null, reason: null, result: null]
        db.auditOf(toReject)*.actor == ['carol']
        db.auditOf(toExpire)*.type == ['approval.expired']
    }

    def "rejecting twice is a no-op: the first reason stays, one audit event"() {
        given:
        UUID id = db.approvalIn(ApprovalState.PENDING)
        db.approvals.reject(id, 'carol', 'first reason')

        when:
        def again = db.approvals.reject(id, 'dave', 'second reason')

        then:
        !again.changed()
        again.to() == ApprovalState.REJECTED
        db.row(id).reason == 'first reason'
        db.auditOf(id).size() == 1
    }

    def "states are stored as lower_snake values and read back"() {
        expect:
        ApprovalState.values().every { ApprovalState.fromValue(it.value()) == it && it.value() == it.name().toLowerCase() }

        when:
        ApprovalState.fromValue('PENDING')

        then:
        thrown(IllegalArgumentException)
    }

    def "find answers empty for an unknown id"() {
        expect:
        db.repository.find(UUID.randomUUID()).isEmpty()
    }
}
