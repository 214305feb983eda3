package dev.entente.federation.grant

import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql
import org.flywaydb.core.Flyway
import org.flywaydb.core.api.FlywayException
import spock.lang.Specification

/**
 * Issue 12: grants lost the unreachable pending_approval state (the two-person rule holds the
 * approval request instead). V14 keeps the database honest about it: a database from before
 * (V13) migrates when no grant is in the state, refuses loudly, naming the grants and the fix,
 * when one is, and afterwards the schema itself refuses the state.
 */
class GrantSchemaSpec extends Specification {

    def "V14 migrates a database whose grants are #states, and the schema then refuses pending_approval"() {
        given: 'a database at V13 with grants in the states the old code could write'
        def db = PostgresFixture.emptyDatabase()
        flyway(db, '13').migrate()
        Sql sql = Sql.newInstance(db.jdbcUrl(), db.user(), db.password())
        UUID peer = insertPeer(sql)
        states.each { insertGrant(sql, peer, it) }

        when:
        flyway(db, null).migrate()

        then: 'the grants are untouched'
        sql.rows('SELECT state FROM grants ORDER BY state')*.state == states.sort()

        when: 'a pending_approval grant is written by hand'
        insertGrant(sql, peer, 'pending_approval')

        then:
        def e = thrown(java.sql.SQLException)
        e.message.contains('grants_state_check')

        cleanup:
        sql?.close()

        where:
        states << [[], ['active', 'expired', 'revoked']]
    }

    def "V14 stops on a pending_approval grant, naming it and the fix, and migrates once it is gone"() {
        given:
        def db = PostgresFixture.emptyDatabase()
        flyway(db, '13').migrate()
        Sql sql = Sql.newInstance(db.jdbcUrl(), db.user(), db.password())
        UUID peer = insertPeer(sql)
        UUID stuck = insertGrant(sql, peer, 'pending_approval')
        insertGrant(sql, peer, 'active')

        when:
        flyway(db, null).migrate()

        then:
        FlywayException e = thrown()
        e.message.contains("grants in state pending_approval: $stuck")
        e.message.contains('entente grants revoke ID')
        sql.firstRow("SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1").version == '13'

        when: 'the operator revokes it (as the previous version would) and starts again'
        sql.execute("UPDATE grants SET state = 'revoked' WHERE id = ?", [stuck])
        flyway(db, null).migrate()

        then:
        sql.firstRow("SELECT count(*) AS n FROM grants WHERE state = 'active'").n == 1

        cleanup:
        sql?.close()
    }

    private static Flyway flyway(db, String target) {
        def config = Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations('classpath:db/migration')
        (target == null ? config : config.target(target)).load()
    }

    private static UUID insertPeer(Sql sql) {
        UUID id = UUID.randomUUID()
        sql.execute("INSERT INTO peers (id, name, state) VALUES (?, ?, 'proposed')", [id, 'peer-' + id.toString().take(8)])
        id
    }

    private static UUID insertGrant(Sql sql, UUID peer, String state) {
        UUID id = UUID.randomUUID()
        sql.execute("""INSERT INTO grants (id, peer_id, state, permission_scopes, secret_digest, expires_at)
                       VALUES (?, ?, ?, ARRAY['read'], ?, now() + interval '1 day')""",
                [id, peer, state, new byte[32]])
        id
    }
}
