package dev.entente.ca.vault

import com.zaxxer.hikari.HikariDataSource
import dev.entente.ca.crypto.Argon2id
import dev.entente.lifecycle.audit.AuditEvent
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.db.Tx
import dev.entente.testkit.PostgresFixture
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.time.Clock

@Stepwise
class VaultAuditKeyringSpec extends Specification {
    static final Argon2id.Params FAST = new Argon2id.Params(1024, 1, 1)
    static final char[] PASSPHRASE = 'audit keyring spec'.toCharArray()

    @Shared HikariDataSource ds = PostgresFixture.migratedDatabase().dataSource()
    @Shared Tx tx = new Tx(ds)
    @Shared SealedKeyStore store = new SealedKeyStore(tx, KeyVault.open(tx, PASSPHRASE, FAST))
    @Shared byte[] firstSecret

    def cleanupSpec() {
        ds?.close()
    }

    def "the first load creates audit-1"() {
        when:
        def ring = VaultAuditKeyring.load(store, tx)

        then:
        ring.current().id() == 'audit-1'
        ring.current().secret().length == 32
        with(store.active('audit_hmac').get()) {
            id() == 'audit-1'
            algorithm() == 'HmacSHA256'
            secret() == ring.current().secret()
        }

        cleanup:
        firstSecret = ring?.current()?.secret()
    }

    def "a second load reuses audit-1 instead of creating another key"() {
        when:
        def ring = VaultAuditKeyring.load(store, tx)

        then:
        ring.current().id() == 'audit-1'
        ring.current().secret() == firstSecret
        store.byPurpose('audit_hmac')*.id() == ['audit-1']
    }

    def "rotate makes audit-2 current and keeps audit-1 for verification, also after a fresh load"() {
        given: 'events signed with audit-1'
        def ring = VaultAuditKeyring.load(store, tx)
        def log = new AuditLog(ring, Clock.systemUTC())
        tx.inTransaction { c -> log.append(c, AuditEvent.of('test.before', 'spec', null, [n: 1])) }

        when: 'the key rotates in the same transaction as its audit event'
        def rotated = tx.inTransaction { c ->
            def k = ring.rotate(c)
            log.append(c, AuditEvent.of('audit.key_rotated', 'spec', k.id(), [:]))
            k
        }
        tx.inTransaction { c -> log.append(c, AuditEvent.of('test.after', 'spec', null, [n: 2])) }

        then:
        rotated.id() == 'audit-2'
        ring.current().id() == 'audit-2'
        ring.byId('audit-1').get().secret() == firstSecret
        store.byPurpose('audit_hmac').collect { [it.id(), it.status(), it.retiredAt() != null] } ==
                [['audit-1', 'retired', true], ['audit-2', 'active', false]]

        when: 'the hub restarts: a new vault instance and a fresh load'
        def restarted = VaultAuditKeyring.load(new SealedKeyStore(tx, KeyVault.open(tx, PASSPHRASE)), tx)

        then:
        restarted.current().id() == 'audit-2'
        restarted.current().secret() == rotated.secret()
        restarted.byId('audit-1').get().secret() == firstSecret
        !restarted.byId('audit-9').present

        and: 'the whole chain, across the rotation, verifies'
        with(tx.read { c -> new AuditLog(restarted, Clock.systemUTC()).verify(c) }) {
            ok()
            events() == 3
        }
    }

    def "a keyring loaded before another replica rotated still finds the new key by id"() {
        given:
        def stale = VaultAuditKeyring.load(store, tx)
        def other = VaultAuditKeyring.load(store, tx)

        when:
        def k = tx.inTransaction { c -> other.rotate(c) }

        then:
        k.id() == 'audit-3'
        stale.current().id() == 'audit-2'
        stale.byId('audit-3').get().secret() == k.secret()
    }
}
