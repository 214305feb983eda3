package dev.entente.controlplane.security

import dev.entente.controlplane.hub.HubBootstrap
import dev.entente.lifecycle.db.Tx
import dev.entente.testkit.PostgresFixture
import spock.lang.Shared
import spock.lang.Specification

import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 14: a token's use is recorded cheaply (at most one write a minute per token and process),
 * and without its invalidation listener a replica asks the database whether a token is revoked.
 */
class OperatorTokenRegistrySpec extends Specification {
    @Shared Closeable dataSource
    @Shared Tx tx
    @Shared OperatorTokenRevocations revocations
    @Shared OperatorTokenRegistry registry

    def setupSpec() {
        def db = PostgresFixture.migratedDatabase()
        def ds = HubBootstrap.dataSource(db.jdbcUrl(), db.user(), db.password())
        dataSource = ds
        tx = new Tx(ds)
        revocations = new OperatorTokenRevocations(tx)
        // revoking is covered on real hubs (OperatorTokenRevocationSpec): no audit log needed here
        registry = new OperatorTokenRegistry(tx, null, revocations)
    }

    def cleanupSpec() {
        registry?.close()
        dataSource?.close()
    }

    def "the first use is written, further uses within the minute are not"() {
        given:
        String jti = token('busy')

        when:
        registry.used(jti)

        then:
        eventually(10) { lastUsed(jti) != null }

        when: 'the record is cleared and the token used again at once'
        sql("UPDATE operator_tokens SET last_used_at = NULL WHERE jti = '$jti'")
        3.times { registry.used(jti) }
        Thread.sleep(1000)

        then: 'nothing was written'
        lastUsed(jti) == null
    }

    def "with no listener connected, a revocation is read from the database"() {
        given:
        String jti = token('leaked')

        expect:
        !revocations.isRevoked(jti)

        when:
        sql("UPDATE operator_tokens SET revoked_at = now(), revoked_by = 'spec', revoke_reason = 'spec' WHERE jti = '$jti'")

        then:
        revocations.isRevoked(jti)
        !revocations.isRevoked(UUID.randomUUID().toString())
    }

    private String token(String subject) {
        String jti = UUID.randomUUID().toString()
        sql("INSERT INTO operator_tokens (jti, subject, roles, issued_by, expires_at) " +
                "VALUES ('$jti', '$subject', '{operator}', 'spec', now() + interval '1 hour')")
        jti
    }

    private Object lastUsed(String jti) {
        tx.read { c ->
            def rs = c.createStatement().executeQuery("SELECT last_used_at FROM operator_tokens WHERE jti = '$jti'")
            rs.next()
            rs.getTimestamp(1)
        }
    }

    private void sql(String statement) {
        tx.read { c -> c.createStatement().executeUpdate(statement) }
    }
}
