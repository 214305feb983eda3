package dev.entente.lifecycle.approval

import dev.entente.lifecycle.EngineFixture
import dev.entente.lifecycle.engine.TransitionResult
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import static dev.entente.lifecycle.EngineFixture.NOW
import static dev.entente.lifecycle.approval.ApprovalEvent.*
import static dev.entente.lifecycle.approval.ApprovalState.*

/**
 * Every (state, event) pair of the approval lifecycle, applied through the real engine to a real
 * row: allowed pairs reach the documented target (one version bump, one audit event), a repeat of
 * what already happened is a no-op, everything else is rejected and leaves no trace.
 */
class ApprovalTransitionsSpec extends Specification {
    static final String MOVES = 'moves'
    static final String NO_OP = 'no-op'
    static final String REJECTED_ = 'rejected'
    // Refused with the approval's own code: approving what the expiry job expired is approval_expired.
    static final String EXPIRED_ = 'expired'

    @Shared @AutoCleanup EngineFixture db = new EngineFixture()
    // Pairs the table below exercised; the last feature checks they are all states × events.
    @Shared Set<List> exercised = [] as Set

    def "#from + #event: #expected (#to)"() {
        given:
        UUID id = db.approvalIn(from)
        exercised << [from, event]

        when:
        def outcome = attempt { send(id, event) }

        then:
        def row = db.row(id)
        def events = db.auditOf(id)
        switch (expected) {
            case MOVES:
                assert outcome instanceof TransitionResult
                assert outcome.changed()
                assert outcome.from() == from && outcome.to() == to && outcome.version() == 1
                assert row.state == to.value() && row.version == 1
                assert events.size() == 1
                assert events[0].type == "approval.${to.value()}"
                assert new JsonSlurper().parseText(events[0].details as String).subMap('from', 'to', 'event') ==
                        [from: from.value(), to: to.value(), event: event.name().toLowerCase()]
                break
            case NO_OP:
                assert outcome instanceof TransitionResult
                assert !outcome.changed() && outcome.from() == from && outcome.to() == from && outcome.version() == 0
                assert row.state == from.value() && row.version == 0 && events.isEmpty()
                break
            case REJECTED_:
                assert outcome instanceof EntenteException
                assert outcome.code() == ErrorCode.TRANSITION_REJECTED
                assert outcome.detail().startsWith("cannot ${event.name().toLowerCase()} ")
                assert outcome.extensions().state == from.value()
                assert row.state == from.value() && row.version == 0 && events.isEmpty()
                break
            case EXPIRED_:
                assert outcome instanceof EntenteException
                assert outcome.code() == ErrorCode.APPROVAL_EXPIRED
                assert row.state == from.value() && row.version == 0 && events.isEmpty()
                break
            default:
                throw new IllegalStateException(expected)
        }

        where:
        from     | event    || expected   | to
        PENDING  | APPROVE  || MOVES      | APPROVED
        PENDING  | REJECT   || MOVES      | REJECTED
        PENDING  | EXPIRE   || MOVES      | EXPIRED
        PENDING  | COMPLETE || REJECTED_  | PENDING
        PENDING  | FAIL     || REJECTED_  | PENDING
        APPROVED | APPROVE  || NO_OP      | APPROVED
        APPROVED | REJECT   || REJECTED_  | APPROVED
        APPROVED | EXPIRE   || REJECTED_  | APPROVED
        APPROVED | COMPLETE || MOVES      | EXECUTED
        APPROVED | FAIL     || MOVES      | FAILED
        EXECUTED | APPROVE  || REJECTED_  | EXECUTED
        EXECUTED | REJECT   || REJECTED_  | EXECUTED
        EXECUTED | EXPIRE   || REJECTED_  | EXECUTED
        EXECUTED | COMPLETE || NO_OP      | EXECUTED
        EXECUTED | FAIL     || REJECTED_  | EXECUTED
        FAILED   | APPROVE  || REJECTED_  | FAILED
        FAILED   | REJECT   || REJECTED_  | FAILED
        FAILED   | EXPIRE   || REJECTED_  | FAILED
        FAILED   | COMPLETE || REJECTED_  | FAILED
        FAILED   | FAIL     || NO_OP      | FAILED
        REJECTED | APPROVE  || REJECTED_  | REJECTED
        REJECTED | REJECT   || NO_OP      | REJECTED
        REJECTED | EXPIRE   || REJECTED_  | REJECTED
        REJECTED | COMPLETE || REJECTED_  | REJECTED
        REJECTED | FAIL     || REJECTED_  | REJECTED
        EXPIRED  | APPROVE  || EXPIRED_   | EXPIRED
        EXPIRED  | REJECT   || REJECTED_  | EXPIRED
        EXPIRED  | EXPIRE   || NO_OP      | EXPIRED
        EXPIRED  | COMPLETE || REJECTED_  | EXPIRED
        EXPIRED  | FAIL     || REJECTED_  | EXPIRED
    }

    // Spock runs features in declaration order, so the table above has run by now. Run on its
    // own (an IDE running just this feature) it fails: run the whole spec.
    def "the table above covers every state × event pair exactly once"() {
        expect:
        exercised == [ApprovalState.values().toList(), ApprovalEvent.values().toList()].combinations() as Set
        exercised.size() == ApprovalState.values().length * ApprovalEvent.values().length
    }

    def "the rejection names the state, the event and what is allowed"() {
        given:
        UUID id = db.approvalIn(from)

        when:
        send(id, event)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.TRANSITION_REJECTED
        e.detail() == message
        e.extensions() == [entity: 'approval', id: id.toString(), state: from.value(),
                           event: event.name().toLowerCase(), allowed_events: allowed]

        where:
        from     | event    || message                                                                  | allowed
        REJECTED | APPROVE  || 'cannot approve a rejected approval; allowed from rejected: none'         | []
        PENDING  | COMPLETE || 'cannot complete a pending approval; allowed from pending: approve, reject, expire' | ['approve', 'reject', 'expire']
        APPROVED | EXPIRE   || 'cannot expire an approved approval; allowed from approved: complete, fail' | ['complete', 'fail']
    }

    private TransitionResult<ApprovalState> send(UUID id, ApprovalEvent event) {
        switch (event) {
            case APPROVE: return db.approvals.approve(id, 'bob', ['approver'], NOW)
            case REJECT: return db.approvals.reject(id, 'bob', 'not during the freeze')
            case EXPIRE: return db.approvals.expire(id, NOW)
            case COMPLETE: return db.approvals.complete(id, '{"revoked":true}')
            case FAIL: return db.approvals.fail(id, 'peer unreachable')
        }
        throw new IllegalArgumentException(event.name())
    }

    private static Object attempt(Closure<?> work) {
        try {
            return work()
        } catch (EntenteException e) {
            return e
        }
    }
}
