package dev.entente.ca.vault

import com.zaxxer.hikari.HikariDataSource
import dev.entente.ca.crypto.Argon2id
import dev.entente.lifecycle.db.Tx
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import dev.entente.testkit.PostgresFixture
import spock.lang.Specification

/**
 * Issue 17, {@code entente keys rekey}: every sealed blob is re-sealed under a key derived from a
 * new passphrase in one transaction. The old passphrase stops opening the database; a failure
 * half-way changes nothing; a process still holding the old key refuses to seal under it.
 */
class KeyVaultRekeySpec extends Specification {
    static final Argon2id.Params FAST = new Argon2id.Params(1024, 1, 1)
    static final char[] OLD = 'correct horse battery staple'.toCharArray()
    static final char[] NEW = 'a much newer passphrase'.toCharArray()
    // The approvals' columns as the federation module declares them (ApprovalGate.SEALED_COLUMNS), and
    // the sign-ins' as control-plane does (OidcSignIn.SEALED_COLUMNS): a bytea key, an AAD from its hex.
    static final List<SealedColumn> COLUMNS = [SealedKeyStore.SEALED_SECRETS,
                                               new SealedColumn('approvals', 'id', 'sealed_secrets', "'approval/' || id || '/arguments'"),
                                               new SealedColumn('approvals', 'id', 'sealed_result', "'approval/' || id || '/result'"),
                                               new SealedColumn('oidc_sign_ins', 'state_digest', 'sealed_verifier',
                                                       "'oidc_sign_in/' || encode(state_digest, 'hex') || '/verifier'")]
    static final KeyVault.Witness NOTHING = { c, r -> }

    HikariDataSource ds = PostgresFixture.migratedDatabase().dataSource()
    Tx tx = new Tx(ds)

    def cleanup() {
        ds?.close()
    }

    def "a rekey re-seals every key and approval secret; only the new passphrase opens them"() {
        given: 'two keys and an approval holding a sealed secret'
        KeyVault vault = KeyVault.open(tx, OLD, FAST)
        SealedKeyStore store = new SealedKeyStore(tx, vault)
        tx.inTransaction { c ->
            store.store(c, 'k-1', 'spec', SealedKeyStore.ACTIVE, 'raw', null, null, null, 'one'.bytes, null)
            store.store(c, 'k-2', 'spec', SealedKeyStore.RETIRED, 'raw', null, null, null, 'two'.bytes, null)
        }
        UUID approval = UUID.randomUUID()
        insertApproval(approval, store.sealSecret('token'.bytes, "approval/${approval}/arguments"))
        byte[] state = [0xab, 0x01] as byte[]
        insertSignIn(state, store.sealSecret('verifier'.bytes, 'oidc_sign_in/ab01/verifier'))

        when:
        def done = vault.rekey(tx, OLD, NEW, FAST, COLUMNS, NOTHING)

        then:
        done.blobs() == ['sealed_keys.sealed_secret': 2, 'approvals.sealed_secrets': 1, 'approvals.sealed_result': 0,
                         'oidc_sign_ins.sealed_verifier': 1]

        and: 'this process goes on with the new key'
        store.byPurpose('spec')*.secret().collect { new String(it) } == ['one', 'two']

        and: 'a fresh open takes the new passphrase and refuses the old one'
        def reopened = new SealedKeyStore(tx, KeyVault.open(tx, NEW, FAST))
        reopened.byPurpose('spec')*.secret().collect { new String(it) } == ['one', 'two']
        new String(reopened.openSecret(sealedSecrets(approval), "approval/${approval}/arguments")) == 'token'
        new String(reopened.openSecret(sealedVerifier(state), 'oidc_sign_in/ab01/verifier')) == 'verifier'

        when:
        KeyVault.open(tx, OLD, FAST)

        then:
        def e = thrown(EntenteException)
        e.code() == ErrorCode.KEY_PASSPHRASE_INVALID
    }

    def "a blob that does not open half-way rolls the whole rekey back: the old passphrase still opens everything"() {
        given: 'keys, then an approval whose sealed secret was altered'
        KeyVault vault = KeyVault.open(tx, OLD, FAST)
        SealedKeyStore store = new SealedKeyStore(tx, vault)
        tx.inTransaction { c -> store.store(c, 'k-1', 'spec', SealedKeyStore.ACTIVE, 'raw', null, null, null, 'one'.bytes, null) }
        UUID approval = UUID.randomUUID()
        byte[] blob = store.sealSecret('token'.bytes, "approval/${approval}/arguments")
        blob[blob.length - 1] ^= 1
        insertApproval(approval, blob)
        byte[] before = sealedKey('k-1')

        when:
        vault.rekey(tx, OLD, NEW, FAST, COLUMNS, NOTHING)

        then: 'sealed_keys was re-sealed first, then the approval failed: nothing of it stays'
        def e = thrown(EntenteException)
        e.code() == ErrorCode.KEY_MATERIAL_CORRUPT
        e.message.contains('approvals.sealed_secrets')
        sealedKey('k-1') == before
        new String(new SealedKeyStore(tx, KeyVault.open(tx, OLD, FAST)).byId('k-1').get().secret()) == 'one'
        store.byId('k-1').isPresent()

        when:
        KeyVault.open(tx, NEW, FAST)

        then:
        thrown(EntenteException)
    }

    def "the audit event commits with the rekey or not at all"() {
        given:
        KeyVault vault = KeyVault.open(tx, OLD, FAST)

        when: 'the witness fails after everything was re-sealed'
        vault.rekey(tx, OLD, NEW, FAST, COLUMNS, { c, r -> throw new IllegalStateException('audit down') } as KeyVault.Witness)

        then:
        thrown(IllegalStateException)
        KeyVault.open(tx, OLD, FAST) != null
    }

    def "#what is refused and changes nothing"() {
        given:
        KeyVault vault = KeyVault.open(tx, OLD, FAST)

        when:
        vault.rekey(tx, current, next, FAST, columns, NOTHING)

        then:
        def e = thrown(EntenteException)
        e.code() == code
        KeyVault.open(tx, OLD, FAST) != null

        where:
        what                          | current                  | next                     | columns || code
        'a wrong current passphrase'  | 'wrong one'.toCharArray() | NEW                     | COLUMNS || ErrorCode.REKEY_PASSPHRASE_REJECTED
        'no current passphrase'       | null                     | NEW                      | COLUMNS || ErrorCode.REKEY_PASSPHRASE_REJECTED
        'a short new passphrase'      | OLD                      | 'short'.toCharArray()    | COLUMNS || ErrorCode.REKEY_PASSPHRASE_UNUSABLE
        'the current one as new'      | OLD                      | OLD                      | COLUMNS || ErrorCode.REKEY_PASSPHRASE_UNUSABLE
    }

    def "a rekey that does not know every sealed column refuses to start"() {
        given:
        KeyVault vault = KeyVault.open(tx, OLD, FAST)

        when:
        vault.rekey(tx, OLD, NEW, FAST, [SealedKeyStore.SEALED_SECRETS], NOTHING)

        then:
        def e = thrown(IllegalStateException)
        e.message.contains('approvals.sealed_result')
        e.message.contains('approvals.sealed_secrets')
        KeyVault.open(tx, OLD, FAST) != null
    }

    def "a process that opened the vault before another re-keyed it refuses to seal under its stale key"() {
        given: 'two processes on one database'
        KeyVault first = KeyVault.open(tx, OLD, FAST)
        KeyVault second = KeyVault.open(tx, OLD, FAST)

        when: 'the second re-keys'
        second.rekey(tx, OLD, NEW, FAST, COLUMNS, NOTHING)

        then:
        !tx.read { c -> first.isCurrent(c) }
        tx.read { c -> second.isCurrent(c) }

        when: 'the first tries to store a key'
        tx.inTransaction { c -> new SealedKeyStore(tx, first).store(c, 'k-9', 'spec', SealedKeyStore.ACTIVE, 'raw', null, null, null, 'x'.bytes, null) }

        then:
        def e = thrown(EntenteException)
        e.code() == ErrorCode.KEY_VAULT_REKEYED

        and: 'the second still can'
        tx.inTransaction { c -> new SealedKeyStore(tx, second).store(c, 'k-9', 'spec', SealedKeyStore.ACTIVE, 'raw', null, null, null, 'x'.bytes, null) }
    }

    private void insertApproval(UUID id, byte[] sealed) {
        tx.inTransaction { c ->
            def ps = c.prepareStatement("INSERT INTO approvals (id, action, requester, state, expires_at, sealed_secrets) "
                    + "VALUES (?, 'peer.accept', 'spec', 'pending', now() + interval '1 hour', ?)")
            ps.setObject(1, id)
            ps.setBytes(2, sealed)
            ps.executeUpdate()
        }
    }

    private void insertSignIn(byte[] state, byte[] sealed) {
        tx.inTransaction { c ->
            def ps = c.prepareStatement("INSERT INTO oidc_sign_ins (state_digest, nonce_digest, sealed_verifier, port, expires_at) "
                    + "VALUES (?, ?, ?, 0, now() + interval '10 minutes')")
            ps.setBytes(1, state)
            ps.setBytes(2, state)
            ps.setBytes(3, sealed)
            ps.executeUpdate()
        }
    }

    private byte[] sealedVerifier(byte[] state) {
        tx.read { c ->
            def ps = c.prepareStatement('SELECT sealed_verifier FROM oidc_sign_ins WHERE state_digest = ?')
            ps.setBytes(1, state)
            def rs = ps.executeQuery()
            rs.next()
            rs.getBytes(1)
        }
    }

    private byte[] sealedSecrets(UUID id) {
        tx.read { c ->
            def ps = c.prepareStatement('SELECT sealed_secrets FROM approvals WHERE id = ?')
            ps.setObject(1, id)
            def rs = ps.executeQuery()
            rs.next()
            rs.getBytes(1)
        }
    }

    private byte[] sealedKey(String id) {
        tx.read { c ->
            def ps = c.prepareStatement('SELECT sealed_secret FROM sealed_keys WHERE id = ?')
            ps.setString(1, id)
            def rs = ps.executeQuery()
            rs.next()
            rs.getBytes(1)
        }
    }
}
