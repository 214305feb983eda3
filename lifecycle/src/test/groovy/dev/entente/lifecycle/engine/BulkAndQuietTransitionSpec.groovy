package dev.entente.lifecycle.engine

import dev.entente.lifecycle.EngineFixture
import dev.entente.lifecycle.approval.ApprovalEvent
import dev.entente.lifecycle.approval.ApprovalLifecycle
import dev.entente.lifecycle.approval.ApprovalState
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.sql.Connection
import java.sql.Timestamp
import java.time.Duration
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

import static dev.entente.lifecycle.EngineFixture.NOW
import static dev.entente.lifecycle.approval.ApprovalEvent.*
import static dev.entente.lifecycle.approval.ApprovalState.*

/**
 * The engine's two opt-in variations on a real database: set-based bulk transitions (SQL guard
 * under the row lock, SKIP LOCKED, one audit event per batch) and quiet internal transitions
 * (effect under the row lock, no version bump, no audit).
 */
class BulkAndQuietTransitionSpec extends Specification {
    static final LifecycleDefinition<ApprovalState, ApprovalEvent> APPROVAL = ApprovalLifecycle.DEFINITION
    // The deadline rule as SQL: what an expiry sweep would pass.
    static final SqlFragment OVERDUE = SqlFragment.of('expires_at < ?', Timestamp.from(NOW))

    @Shared @AutoCleanup EngineFixture db = new EngineFixture()

    def setup() {
        db.sql.execute('DELETE FROM approvals')
    }

    def "a bulk transition refuses a (from, event) the table does not allow, before touching a row"() {
        given:
        UUID approved = db.approvalIn(APPROVED, NOW - Duration.ofHours(1))
        long auditBefore = auditCount()

        when:
        db.engine.applyBulk(APPROVAL, APPROVED, EXPIRE, 'system', OVERDUE, [:], [:])

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.TRANSITION_REJECTED
        e.detail() == 'cannot expire an approved approval; allowed from approved: complete, fail'
        e.extensions() == [entity: 'approval', state: 'approved', event: 'expire', allowed_events: ['complete', 'fail']]
        db.row(approved).subMap('state', 'version') == [state: 'approved', version: 0]
        auditCount() == auditBefore
    }

    def "a bulk transition moves exactly the matching rows in batches, one audit event per batch listing its ids"() {
        given: '10 overdue pending approvals, 5 pending ones still in time, 3 overdue ones already approved'
        def overdue = (1..10).collect { db.approvalIn(PENDING, NOW - Duration.ofMinutes(it)) }
        def inTime = (1..5).collect { db.approvalIn(PENDING, NOW + Duration.ofMinutes(it)) }
        def approved = (1..3).collect { db.approvalIn(APPROVED, NOW - Duration.ofMinutes(it)) }

        when:
        def result = db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'expiry-sweep', OVERDUE,
                [reason: SqlFragment.of("'deadline ' || to_char(expires_at AT TIME ZONE 'UTC', 'HH24:MI') || ?", ' passed')],
                [sweep: 'expiry'], BulkEffect.NONE, 4)

        then:
        result.from() == PENDING && result.to() == EXPIRED
        result.count() == 10
        result.ids() as Set == overdue as Set
        result.batches() == 3
        overdue.every { db.row(it).subMap('state', 'version') == [state: 'expired', version: 1] }
        db.row(overdue[0]).reason == 'deadline 11:59 passed'
        inTime.every { db.row(it).subMap('state', 'version') == [state: 'pending', version: 0] }
        approved.every { db.row(it).subMap('state', 'version') == [state: 'approved', version: 0] }

        and: 'three audit events, 4 + 4 + 2 ids, each id once'
        def events = db.sql.rows("SELECT * FROM audit_events WHERE type = 'approval.expired' AND actor = 'expiry-sweep' ORDER BY seq")
        events.size() == 3
        def details = events.collect { new JsonSlurper().parseText(it.details as String) }
        details*.count == [4, 4, 2]
        details.every { it.subMap('event', 'from', 'to', 'sweep') == [event: 'expire', from: 'pending', to: 'expired', sweep: 'expiry'] }
        details*.ids.flatten() as Set == overdue*.toString() as Set
        details*.ids.flatten().size() == 10
        events.every { it.subject == 'approvals' }
        db.auditChainVerifies()

        when: 'run again'
        def again = db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'expiry-sweep', OVERDUE, [:], [:])

        then: 'nothing left to move, nothing audited'
        again.count() == 0 && again.batches() == 0
        db.sql.firstRow("SELECT count(*) AS c FROM audit_events WHERE actor = 'expiry-sweep'").c == 3
    }

    def "the batch effect runs in the batch's transaction with the moved ids; when it fails the batch rolls back"() {
        given:
        def overdue = (1..3).collect { db.approvalIn(PENDING, NOW - Duration.ofMinutes(it)) }
        List<List<Object>> seen = []
        long auditBefore = auditCount()

        when:
        db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'system', OVERDUE, [:], [:], { Connection c, List<Object> ids, from, to ->
            seen << ids
            throw new IllegalStateException('effect failed')
        } as BulkEffect, 10)

        then:
        thrown(IllegalStateException)
        seen.size() == 1 && seen[0] as Set == overdue as Set
        overdue.every { db.row(it).subMap('state', 'version') == [state: 'pending', version: 0] }
        auditCount() == auditBefore
    }

    def "a guarded transition needs its SQL guard; a quiet one and engine-owned columns are refused"() {
        when: 'approve is guarded (approver_not_requester, ...): the Java guard cannot run per row here'
        db.engine.applyBulk(APPROVAL, PENDING, APPROVE, 'system', null, [:], [:])

        then:
        IllegalArgumentException e1 = thrown()
        e1.message.contains('pass its SQL form as the guard')

        when:
        db.engine.applyBulk(definitionWith(Transition.internal(PENDING, EXPIRE).quietly()), PENDING, EXPIRE, 'system', null, [:], [:])

        then:
        IllegalArgumentException e2 = thrown()
        e2.message.contains('is quiet')

        when:
        db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'system', OVERDUE, [version: SqlFragment.of('0')], [:])

        then:
        IllegalArgumentException e3 = thrown()
        e3.message == 'column version is written by the engine'

        when:
        db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'system', OVERDUE, ['reason; DROP TABLE approvals': SqlFragment.of('null')], [:])

        then:
        thrown(IllegalArgumentException)

        when: 'a placeholder count that does not match the parameters'
        SqlFragment.of('expires_at < ? AND requester = ?', Timestamp.from(NOW))

        then:
        thrown(IllegalArgumentException)
    }

    def "two concurrent bulk transitions (two replicas) split the rows: each moved once, one audit event per batch"() {
        given:
        int n = 600
        db.sql.execute("""INSERT INTO approvals (id, action, requester, state, expires_at)
                SELECT gen_random_uuid(), 'peer.revoke', 'alice', 'pending', ?::timestamptz - make_interval(secs => i)
                FROM generate_series(1, ${n}) AS i""".toString(), [Timestamp.from(NOW)])
        def pool = Executors.newFixedThreadPool(2)
        def start = new CountDownLatch(1)

        when:
        def futures = (1..2).collect {
            pool.submit({ start.await(); db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, "replica-$it".toString(), OVERDUE, [:], [:], BulkEffect.NONE, 25) } as Callable<BulkTransitionResult>)
        }
        start.countDown()
        List<BulkTransitionResult> results = futures*.get(60, TimeUnit.SECONDS)
        pool.shutdown()

        then:
        def ids = results*.ids().flatten()
        ids.size() == n
        (ids as Set).size() == n
        db.sql.firstRow("SELECT count(*) AS c FROM approvals WHERE state = 'expired' AND version = 1").c == n
        def events = db.sql.rows("SELECT details FROM audit_events WHERE type = 'approval.expired' AND actor LIKE 'replica-%'")
        events.size() == results*.batches().sum()
        def audited = events.collect { new JsonSlurper().parseText(it.details as String).ids }.flatten()
        audited.size() == n && (audited as Set).size() == n
        db.auditChainVerifies()
    }

    def "a row locked by a writer in flight is skipped, not waited for, and moved by the next run"() {
        given:
        UUID busy = db.approvalIn(PENDING, NOW - Duration.ofMinutes(1))
        UUID free = db.approvalIn(PENDING, NOW - Duration.ofMinutes(2))
        Connection writer = db.dataSource.connection
        writer.autoCommit = false
        writer.prepareStatement("SELECT 1 FROM approvals WHERE id = '${busy}' FOR UPDATE").executeQuery()

        when:
        def first = db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'system', OVERDUE, [:], [:])

        then:
        first.ids() == [free]
        db.row(busy).state == 'pending'

        when:
        writer.commit()
        def second = db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'system', OVERDUE, [:], [:])

        then:
        second.ids() == [busy]

        cleanup:
        writer?.close()
    }

    def "a writer in flight wins: its row is skipped, then its committed change fails the SQL guard"() {
        given: 'the deadline is pushed back by a writer holding the row while the bulk transition starts'
        UUID extended = db.approvalIn(PENDING, NOW - Duration.ofMinutes(1))
        Connection writer = db.dataSource.connection
        writer.autoCommit = false
        def push = writer.prepareStatement('UPDATE approvals SET expires_at = ? WHERE id = ?')
        push.setTimestamp(1, Timestamp.from(NOW + Duration.ofDays(1)))
        push.setObject(2, extended)
        push.executeUpdate()

        when: 'the bulk transition runs while the writer still holds the row, then the writer commits'
        def during = db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'system', OVERDUE, [:], [:])
        writer.commit()
        def after = db.engine.applyBulk(APPROVAL, PENDING, EXPIRE, 'system', OVERDUE, [:], [:])

        then: 'neither run moved it'
        during.count() == 0 && after.count() == 0
        db.row(extended).state == 'pending'

        cleanup:
        writer?.close()
    }

    def "a quiet internal transition runs its effect without a version bump or an audit event"() {
        given:
        UUID id = db.approvalIn(PENDING)
        def quiet = definitionWith(Transition.internal(PENDING, EXPIRE).quietly())
        long auditBefore = auditCount()

        when:
        def result = db.engine.apply(quiet, id, EXPIRE, 'system', TransitionContext.EMPTY, { c, row, from, to, ctx ->
            c.prepareStatement("UPDATE approvals SET reason = 'touched' WHERE id = '${row.id}'").executeUpdate()
        } as Effect)

        then:
        result == new TransitionResult(PENDING, PENDING, 0L, true)
        db.row(id).subMap('state', 'version', 'reason') == [state: 'pending', version: 0, reason: 'touched']
        auditCount() == auditBefore
        MermaidDiagram.transitionTable(quiet).contains('| pending | EXPIRE | pending (internal, quiet) |  |')
    }

    def "a quiet transition conflicts, without running its effect, when the row changed after it was loaded"() {
        given: 'a guard that lets another writer bump the version after the engine loaded the row'
        UUID id = db.approvalIn(PENDING)
        def quiet = definitionWith(Transition.internal(PENDING, EXPIRE, Guard.of('someone_else_moves', { in ->
            db.sql.executeUpdate('UPDATE approvals SET version = version + 1 WHERE id = ?', [in.id()])
            Optional.empty()
        })).quietly())
        boolean ran = false

        when:
        db.engine.apply(quiet, id, EXPIRE, 'system', TransitionContext.EMPTY, { c, row, from, to, ctx -> ran = true } as Effect)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.CONFLICT
        !ran
    }

    def "only an internal transition can be quiet: a state change is always audited"() {
        when:
        Transition.of(PENDING, EXPIRE, EXPIRED).quietly()

        then:
        thrown(IllegalArgumentException)
    }

    private long auditCount() {
        db.sql.firstRow('SELECT count(*) AS c FROM audit_events').c as long
    }

    private static LifecycleDefinition<ApprovalState, ApprovalEvent> definitionWith(Transition<ApprovalState, ApprovalEvent>... rows) {
        new LifecycleDefinition<>('approval', ApprovalState, ApprovalEvent, rows.toList(), PENDING,
                TableBinding.of('approvals'), 'approval')
    }
}
