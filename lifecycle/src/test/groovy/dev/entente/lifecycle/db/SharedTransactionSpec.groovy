package dev.entente.lifecycle.db

import dev.entente.lifecycle.EngineFixture
import dev.entente.lifecycle.approval.ApprovalRow
import dev.entente.lifecycle.approval.ApprovalTable
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import javax.sql.DataSource
import java.sql.SQLException
import java.sql.Timestamp

/**
 * Issue 12 (Micronaut Data JDBC): a generated repository and a hand-written statement inside one
 * unit of Tx run on one connection in one transaction, whichever kind of unit it is.
 */
class SharedTransactionSpec extends Specification {
    @Shared @AutoCleanup EngineFixture db = new EngineFixture()
    @Shared ApprovalTable rows = db.data.bean(ApprovalTable)

    def "#how: the repository's save and the hand-written insert #outcome"() {
        given:
        UUID saved = UUID.randomUUID()
        UUID written = UUID.randomUUID()

        when:
        try {
            unit(db.tx) { c ->
                rows.save(row(saved))
                def ps = c.prepareStatement('INSERT INTO approvals (id, action, requester, state, expires_at) VALUES (?, ?, ?, ?, ?)')
                ps.setObject(1, written)
                ps.setString(2, 'peer.revoke')
                ps.setString(3, 'bob')
                ps.setString(4, 'pending')
                ps.setTimestamp(5, Timestamp.from(EngineFixture.NOW))
                ps.executeUpdate()
                ps.close()
                // both are visible inside, on the unit's connection
                assert rows.findById(written).isPresent()
                if (fail) {
                    throw new IllegalStateException('the unit fails after both writes')
                }
                null
            }
        } catch (IllegalStateException ignored) {
        }

        then:
        [saved, written].collect { db.row(it) != null } == [!fail, !fail]

        where:
        how                        | fail  | outcome                  | unit
        'inTransaction commits'    | false | 'commit together'        | { Tx tx, Tx.Work w -> tx.inTransaction(w) }
        'inTransaction throws'     | true  | 'vanish together'        | { Tx tx, Tx.Work w -> tx.inTransaction(w) }
        'inOneTransaction commits' | false | 'commit together'        | { Tx tx, Tx.Work w -> tx.inOneTransaction(w) }
        'inOneTransaction throws'  | true  | 'vanish together'        | { Tx tx, Tx.Work w -> tx.inOneTransaction(w) }
        'a savepoint throws'       | true  | 'vanish with their unit' | { Tx tx, Tx.Work w -> tx.inOneTransaction { c -> try { tx.inTransaction(w) } catch (IllegalStateException e) { }; null } }
    }

    def "a database that cannot be reached is database_unreachable, whichever unit asks"() {
        given:
        DataSource gone = [getConnection: { -> throw new SQLException('connection refused', '08001') }] as DataSource
        Tx unreachable = new Tx(gone)

        when:
        unit(unreachable)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.DATABASE_UNREACHABLE

        where:
        unit << [{ Tx t -> t.read { c -> null } }, { Tx t -> t.inTransaction { c -> null } },
                 { Tx t -> t.inOneTransaction { c -> null } }]
    }

    def "closing the data context leaves the pool to its owner"() {
        given:
        def data = DataContext.over(db.dataSource)

        when:
        data.close()

        then:
        !db.dataSource.closed
    }

    private static ApprovalRow row(UUID id) {
        new ApprovalRow(id, 'peer.revoke', 'alice', '{}', 'pending', null, null, null, null, null, null,
                EngineFixture.NOW, [] as String[], null, null)
    }
}
