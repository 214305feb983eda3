package dev.entente.lifecycle.db

import dev.entente.lifecycle.EngineFixture
import dev.entente.lifecycle.approval.ApprovalState
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

/**
 * Issue 12 (one two-person rule): an approved action and the approval's approved → executed
 * commit as one. Tx.inOneTransaction makes every transaction and read of the same Tx on the
 * thread (engine transitions included) join one transaction: all of it commits or none of it, a
 * unit that fails inside rolls back alone, commit listeners hear of it only after the real
 * commit, and outside() lets a call to another system commit on its own.
 */
class OneTransactionSpec extends Specification {
    @Shared @AutoCleanup EngineFixture db = new EngineFixture()
    @Shared List<List<Object>> heard = [].asSynchronized()

    def setupSpec() {
        db.engine.onCommit { table, ids -> heard << [table, ids] }
    }

    def setup() {
        heard.clear()
    }

    def "#outcome: the transitions, the writes and the audit events inside #how"() {
        given:
        UUID first = db.approvalIn(ApprovalState.APPROVED)
        UUID second = db.approvalIn(ApprovalState.APPROVED)
        long eventsBefore = events()

        when:
        def thrownBy = null
        try {
            db.tx.inOneTransaction { c ->
                db.approvals.complete(first, '{"done":1}')
                assert heard.isEmpty(): 'a listener heard of a transition before the commit'
                // a read inside sees what the operation wrote so far
                assert db.repository.find(first).get().state() == ApprovalState.EXECUTED
                db.approvals.complete(second, '{"done":2}')
                if (fail) {
                    throw new EntenteException(ErrorCode.CONFLICT, 'the last step failed')
                }
                null
            }
        } catch (EntenteException e) {
            thrownBy = e
        }

        then:
        (thrownBy != null) == fail
        [first, second].collect { db.row(it).state } == [expected, expected]
        events() - eventsBefore == (fail ? 0 : 2)
        heard*.get(1).flatten() as Set == (fail ? [] as Set : [first, second] as Set)
        db.auditChainVerifies()

        where:
        outcome           | how                      | fail  || expected
        'all of it'       | 'commit together'        | false || 'executed'
        'none of it'      | 'roll back together'     | true  || 'approved'
    }

    def "a unit that fails inside rolls back alone; the operation goes on and commits the rest"() {
        given:
        UUID kept = db.approvalIn(ApprovalState.APPROVED)
        UUID refused = db.approvalIn(ApprovalState.PENDING)

        when:
        db.tx.inOneTransaction { c ->
            try {
                db.approvals.complete(refused, '{}')   // pending cannot complete
                assert false
            } catch (EntenteException e) {
                assert e.code() == ErrorCode.TRANSITION_REJECTED
            }
            try {
                db.tx.inTransaction { x -> x.createStatement().execute('SELECT no_such_column FROM approvals') }
                assert false
            } catch (IllegalStateException e) {
                assert e.message.contains('no_such_column')
            }
            db.approvals.fail(kept, 'precondition changed')
            null
        }

        then:
        db.row(kept).state == 'failed'
        db.row(refused).state == 'pending'
    }

    def "outside() commits on its own: its write stays when the operation rolls back"() {
        given:
        UUID inside = db.approvalIn(ApprovalState.APPROVED)
        UUID outside = db.approvalIn(ApprovalState.APPROVED)

        when:
        db.tx.inOneTransaction { c ->
            // outside first, as the approval runner does: once the operation appended an audit
            // event it holds the chain's head, and outside work that audits would wait for it
            db.tx.outside { db.approvals.complete(outside, '{}') }
            db.approvals.complete(inside, '{}')
            throw new IllegalStateException('the operation fails after the remote call')
        }

        then:
        thrown(IllegalStateException)
        db.row(inside).state == 'approved'
        db.row(outside).state == 'executed'
        heard*.get(1).flatten() == [outside]
    }

    def "afterCommit runs at once outside an operation, after the commit inside one, never after a rollback"() {
        given:
        List<String> ran = []

        when:
        db.tx.afterCommit { ran << 'outside' }
        db.tx.inOneTransaction { c -> db.tx.afterCommit { ran << 'committed' }; assert ran == ['outside']; null }
        try {
            db.tx.inOneTransaction { c -> db.tx.afterCommit { ran << 'rolled back' }; throw new IllegalStateException('no') }
        } catch (IllegalStateException ignored) {
        }

        then:
        ran == ['outside', 'committed']
        !db.tx.inOneTransaction()
    }

    private long events() {
        db.sql.firstRow('SELECT count(*) AS n FROM audit_events').n as long
    }
}
