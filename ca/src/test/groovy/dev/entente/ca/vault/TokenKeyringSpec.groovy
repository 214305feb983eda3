package dev.entente.ca.vault

import com.fasterxml.jackson.databind.ObjectMapper
import com.zaxxer.hikari.HikariDataSource
import dev.entente.ca.crypto.Argon2id
import dev.entente.ca.crypto.Certificates
import dev.entente.ca.jws.EdDsaJws
import dev.entente.lifecycle.db.Tx
import dev.entente.testkit.PostgresFixture
import spock.lang.Specification

/**
 * Issue 17: the token-signing keyring. A rotation retires the key in use and makes a new one
 * active; a token of the retired key no longer verifies, and is recognised as the retired key's
 * (its own refusal), while a forgery naming that key is not.
 */
class TokenKeyringSpec extends Specification {
    HikariDataSource ds = PostgresFixture.migratedDatabase().dataSource()
    Tx tx = new Tx(ds)
    SealedKeyStore store = new SealedKeyStore(tx, KeyVault.open(tx, 'correct horse battery staple'.toCharArray(),
            new Argon2id.Params(1024, 1, 1)))

    def cleanup() {
        ds?.close()
    }

    def "a rotation retires the key in use; what it signed is recognised as the retired key's, a forgery is not"() {
        given:
        tx.inTransaction { c -> TokenKeyring.createIfMissing(c, store) }
        TokenKeyring ring = TokenKeyring.load(store)
        def old = ring.signing()
        String token = sign(old.id(), old.privateKey())

        when:
        def rotation = tx.inTransaction { c -> ring.rotate(c) }
        ring.reload()

        then:
        rotation.previousKeyId() == old.id()
        ring.signing().id() == rotation.keyId()
        ring.signing().id() != old.id()
        ring.activePublicKey(old.id()) == null
        ring.activePublicKey(rotation.keyId()) != null
        ring.verifying(old.id()).get().retired()
        ring.retiredSigner(token).get().id() == old.id()
        store.byPurpose(TokenKeyring.PURPOSE)*.status() == ['retired', 'active']

        and: 'a token naming the retired key but signed by another is just a bad signature'
        ring.retiredSigner(sign(old.id(), Certificates.ed25519().private)).isEmpty()

        and: 'a token of the current key is not a retired key\'s'
        ring.retiredSigner(sign(ring.signing().id(), ring.signing().privateKey())).isEmpty()
    }

    def "another process's rotation is found when a token names a key this one has not seen"() {
        given:
        tx.inTransaction { c -> TokenKeyring.createIfMissing(c, store) }
        TokenKeyring here = TokenKeyring.load(store)
        TokenKeyring there = TokenKeyring.load(store)
        Thread.sleep(1100)

        when:
        def rotation = tx.inTransaction { c -> there.rotate(c) }

        then:
        here.verifying(rotation.keyId()).isPresent()
        here.signing().id() == rotation.keyId()
    }

    private static String sign(String kid, key) {
        def claims = new ObjectMapper().createObjectNode().put('iss', 'hub_00000001')
        EdDsaJws.sign(claims, kid, key)
    }
}
