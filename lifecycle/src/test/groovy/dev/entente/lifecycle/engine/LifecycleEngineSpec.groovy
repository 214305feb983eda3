package dev.entente.lifecycle.engine

import dev.entente.lifecycle.EngineFixture
import dev.entente.lifecycle.approval.ApprovalEvent
import dev.entente.lifecycle.approval.ApprovalLifecycle
import dev.entente.lifecycle.approval.ApprovalState
import dev.entente.lifecycle.approval.ApprovalTransitions
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.CyclicBarrier
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import java.util.concurrent.Future
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicInteger

import static dev.entente.lifecycle.EngineFixture.NOW
import static dev.entente.lifecycle.approval.ApprovalEvent.*
import static dev.entente.lifecycle.approval.ApprovalState.*

/** The engine's contract (DESIGN §3) on a real database: one transaction, optimistic save, audit. */
class LifecycleEngineSpec extends Specification {
    static final LifecycleDefinition<ApprovalState, ApprovalEvent> APPROVAL = ApprovalLifecycle.DEFINITION

    @Shared @AutoCleanup EngineFixture db = new EngineFixture()
    @Shared ExecutorService pool = Executors.newFixedThreadPool(8)

    def cleanupSpec() {
        pool.shutdownNow()
    }

    def "every transition bumps the version by one"() {
        given:
        UUID id = db.approvalIn(PENDING)

        when:
        def first = db.engine.apply(APPROVAL, id, APPROVE, 'bob', approverContext('bob'), Effect.NONE)
        def second = db.engine.apply(APPROVAL, id, COMPLETE, 'system', TransitionContext.EMPTY, Effect.NONE)

        then:
        first == new TransitionResult(PENDING, APPROVED, 1L, true)
        second == new TransitionResult(APPROVED, EXECUTED, 2L, true)
        db.row(id).version == 2
        db.row(id).state == 'executed'
    }

    def "the audit event carries type, actor, subject, from/to/event and the caller's details"() {
        given:
        UUID id = db.approvalIn(PENDING)

        when:
        db.engine.apply(APPROVAL, id, REJECT, 'carol', TransitionContext.EMPTY, [reason: 'freeze', ticket: 'OPS-7'], Effect.NONE)

        then:
        def events = db.auditOf(id)
        events.size() == 1
        with(events[0]) {
            type == 'approval.rejected'
            actor == 'carol'
            subject == id.toString()
            new JsonSlurper().parseText(details as String) ==
                    [from: 'pending', to: 'rejected', event: 'reject', reason: 'freeze', ticket: 'OPS-7']
        }
        db.auditChainVerifies()
    }

    def "an effect that throws rolls back the state change, its own writes and the audit event"() {
        given:
        UUID id = db.approvalIn(PENDING)
        long headBefore = db.sql.firstRow('SELECT seq FROM audit_head').seq as long
        def effect = { c, row, from, to, ctx ->
            c.createStatement().withCloseable { it.executeUpdate("UPDATE approvals SET reason = 'half done' WHERE id = '${row.id}'") }
            throw new IllegalStateException('certificate authority unavailable')
        } as Effect

        when:
        db.engine.apply(APPROVAL, id, REJECT, 'carol', TransitionContext.EMPTY, effect)

        then:
        IllegalStateException e = thrown()
        e.message == 'certificate authority unavailable'

        and: 'nothing of it is left'
        db.row(id).subMap('state', 'version', 'reason') == [state: 'pending', version: 0, reason: null]
        db.auditOf(id).isEmpty()
        db.sql.firstRow('SELECT seq FROM audit_head').seq == headBefore
        db.auditChainVerifies()
    }

    def "the effect sees the row before, the states and the context, on the transaction's connection"() {
        given:
        UUID id = db.approvalIn(PENDING)
        def seen = [:]
        def effect = { c, row, from, to, ctx ->
            seen = [autoCommit: c.autoCommit, requester: row.requester, rowState: row.state, from: from, to: to, who: ctx.get(ApprovalTransitions.APPROVER),
                    savedState: c.prepareStatement("SELECT state FROM approvals WHERE id = '${row.id}'").withCloseable { ps ->
                        ps.executeQuery().with { it.next(); it.getString(1) }
                    }]
        } as Effect

        when:
        db.engine.apply(APPROVAL, id, APPROVE, 'bob', approverContext('bob'), effect)

        then: 'it runs after the save, inside the same transaction'
        seen == [autoCommit: false, requester: 'alice', rowState: 'pending', from: PENDING, to: APPROVED, who: 'bob', savedState: 'approved']
    }

    def "a rejected transition names the state, the event and the allowed events"() {
        given:
        UUID id = db.approvalIn(REJECTED)

        when:
        db.engine.apply(APPROVAL, id, APPROVE, 'bob', approverContext('bob'), Effect.NONE)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.TRANSITION_REJECTED
        e.message == 'transition_rejected: cannot approve a rejected approval; allowed from rejected: none'
        e.extensions() == [entity: 'approval', id: id.toString(), state: 'rejected', event: 'approve', allowed_events: []]
        e.toProblem().status() == 409
    }

    def "an unknown id is not_found"() {
        given:
        UUID id = UUID.randomUUID()

        when:
        db.engine.apply(APPROVAL, id, EXPIRE, 'system', TransitionContext.EMPTY, Effect.NONE)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.NOT_FOUND
        e.detail() == "no approval ${id}"
    }

    def "a guard that breaks surfaces as its own exception, not as a rejection"() {
        given:
        UUID id = db.approvalIn(PENDING)
        def broken = definitionWith(Transition.guarded(PENDING, APPROVE, APPROVED,
                Guard.of('broken', { throw new IllegalArgumentException('guard bug') })))

        when:
        db.engine.apply(broken, id, APPROVE, 'bob', TransitionContext.EMPTY, Effect.NONE)

        then:
        IllegalArgumentException e = thrown()
        e.message == 'guard bug'
        db.row(id).state == 'pending'
    }

    def "a guard reads the row through typed getters that refuse a column the table lacks or a value of another type"() {
        given:
        UUID id = db.approvalIn(PENDING)
        def reading = definitionWith(Transition.guarded(PENDING, APPROVE, APPROVED,
                Guard.of('reads_row', { in -> in.row()."$getter"(column); Optional.empty() })))

        when:
        db.engine.apply(reading, id, APPROVE, 'bob', TransitionContext.EMPTY, Effect.NONE)

        then:
        RuntimeException e = thrown()
        e.class == failure
        e.message.startsWith(message)
        db.row(id).state == 'pending'

        where:
        getter    | column      || failure                  | message
        'string'  | 'no_such'   || IllegalArgumentException | "the row has no column 'no_such'"
        'instant' | 'requester' || IllegalStateException    | "column 'requester' is java.lang.String, not java.time.Instant"
    }

    def "an internal transition keeps the state but still saves and audits"() {
        given:
        UUID id = db.approvalIn(PENDING)
        def withInternal = definitionWith(Transition.internal(PENDING, EXPIRE))

        when:
        def result = db.engine.apply(withInternal, id, EXPIRE, 'system', TransitionContext.EMPTY, Effect.NONE)

        then:
        result == new TransitionResult(PENDING, PENDING, 1L, true)
        db.row(id).subMap('state', 'version') == [state: 'pending', version: 1]
        db.auditOf(id)*.type == ['approval.pending']
    }

    def "a definition with two rows for one (state, event) is refused"() {
        when:
        definitionWith(Transition.of(PENDING, REJECT, REJECTED), Transition.of(PENDING, REJECT, EXPIRED))

        then:
        IllegalArgumentException e = thrown()
        e.message == 'approval: more than one transition for (pending, reject)'
    }

    def "race: #threads threads approve the same request after all of them loaded it; exactly one wins, the rest get conflict"() {
        given: 'a guard that holds every thread until all have loaded the row, so the reads really overlap'
        UUID id = db.approvalIn(PENDING)
        def barrier = new CyclicBarrier(threads)
        def racing = definitionWith(Transition.guarded(PENDING, APPROVE, APPROVED, Guard.of('all_loaded', { in ->
            barrier.await(10, TimeUnit.SECONDS)
            Optional.empty()
        })))
        def effects = new AtomicInteger()

        when:
        List<Future<Object>> futures = (1..threads).collect { n ->
            pool.submit({
                attempt { db.engine.apply(racing, id, APPROVE, "approver$n", approverContext("approver$n"), { c, r, f, t, x -> effects.incrementAndGet() } as Effect) }
            } as Callable<Object>)
        }
        def outcomes = futures*.get(30, TimeUnit.SECONDS)

        then:
        outcomes.findAll { it instanceof TransitionResult && it.changed() }.size() == 1
        outcomes.findAll { it instanceof EntenteException && it.code() == ErrorCode.CONFLICT }.size() == threads - 1
        effects.get() == 1
        db.row(id).subMap('state', 'version') == [state: 'approved', version: 1]
        db.auditOf(id).size() == 1
        db.auditChainVerifies()

        where:
        threads << [2, 8]
    }

    def "race: approve and reject started together (round #round); one wins, the other conflicts or is rejected"() {
        given:
        UUID id = db.approvalIn(PENDING)
        def start = new CountDownLatch(1)

        when:
        def approve = pool.submit({ start.await(); attempt { db.approvals.approve(id, 'bob', ['approver'], NOW) } } as Callable<Object>)
        def reject = pool.submit({ start.await(); attempt { db.approvals.reject(id, 'carol', 'no') } } as Callable<Object>)
        start.countDown()
        def outcomes = [approve.get(30, TimeUnit.SECONDS), reject.get(30, TimeUnit.SECONDS)]

        then:
        def winners = outcomes.findAll { it instanceof TransitionResult && it.changed() }
        winners.size() == 1
        def loser = (outcomes - winners)[0]
        loser instanceof EntenteException
        loser.code() in [ErrorCode.CONFLICT, ErrorCode.TRANSITION_REJECTED]
        db.row(id).state == winners[0].to().value()
        db.row(id).version == 1
        db.auditOf(id).size() == 1
        db.auditOf(id)[0].type == "approval.${winners[0].to().value()}"

        where:
        round << (1..10)
    }

    def "machines are reused from a pool rather than built per event"() {
        given:
        def adapter = new StateMachineAdapter(APPROVAL)

        when:
        100.times { adapter.fire(PENDING, REJECT, 'x', null, TransitionContext.EMPTY) }
        def outcome = adapter.fire(APPROVED, APPROVE, 'x', null, TransitionContext.EMPTY)

        then:
        adapter.pooled() == 1
        !outcome.accepted()
        outcome.to() == APPROVED
        outcome.guardFailure().isEmpty()
    }

    def "only the adapter imports Spring Statemachine (upstream is in maintenance mode)"() {
        given: 'Surefire runs in the module directory'
        def importers = []
        new File('src/main/java').eachFileRecurse(groovy.io.FileType.FILES) { f ->
            if (f.name.endsWith('.java') && f.text.contains('import org.springframework.statemachine')) {
                importers << f.name
            }
        }

        expect:
        importers == ['StateMachineAdapter.java']
    }

    private static TransitionContext approverContext(String who) {
        TransitionContext.of(ApprovalTransitions.APPROVER, who)
                .with(ApprovalTransitions.APPROVER_ROLES, ['approver'] as Set)
                .with(ApprovalTransitions.NOW, NOW)
    }

    private static LifecycleDefinition<ApprovalState, ApprovalEvent> definitionWith(Transition<ApprovalState, ApprovalEvent>... rows) {
        new LifecycleDefinition<>('approval', ApprovalState, ApprovalEvent, rows.toList(), PENDING,
                TableBinding.of('approvals'), 'approval')
    }

    private static Object attempt(Closure<?> work) {
        try {
            return work()
        } catch (EntenteException e) {
            return e
        }
    }
}
