package dev.entente.ca.vault

import com.zaxxer.hikari.HikariDataSource
import dev.entente.ca.crypto.Argon2id
import dev.entente.lifecycle.db.Tx
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import dev.entente.testkit.PostgresFixture
import spock.lang.Shared
import spock.lang.Specification

import java.security.KeyPairGenerator
import java.security.interfaces.ECPrivateKey
import java.security.spec.ECGenParameterSpec
import java.sql.Connection
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors

class KeyVaultSpec extends Specification {
    /** Small Argon2 parameters: the specs test the vault, not the KDF's cost. */
    static final Argon2id.Params FAST = new Argon2id.Params(1024, 1, 1)
    static final char[] PASSPHRASE = 'correct horse battery staple'.toCharArray()

    @Shared HikariDataSource ds = PostgresFixture.migratedDatabase().dataSource()
    @Shared Tx tx = new Tx(ds)

    def cleanupSpec() {
        ds?.close()
    }

    def "the first open creates the vault row and seals a round trip"() {
        when:
        KeyVault vault = KeyVault.open(tx, PASSPHRASE, FAST)
        byte[] sealed = vault.seal('secret'.bytes, 'key-1')

        then:
        vault.open(sealed, 'key-1') == 'secret'.bytes
        !contains(sealed, 'secret'.bytes)

        and: 'one row with the parameters it was created with'
        def row = tx.read { c -> c.createStatement().executeQuery('SELECT kdf, memory_kib, iterations, parallelism, length(salt) FROM key_vault').with { rs -> rs.next(); [rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5)] } }
        row == ['argon2id', 1024, 1, 1, 16]
    }

    def "a second open with the same passphrase opens what the first sealed"() {
        given:
        byte[] sealed = KeyVault.open(tx, PASSPHRASE, FAST).seal('secret'.bytes, 'key-2')

        expect:
        KeyVault.open(tx, PASSPHRASE).open(sealed, 'key-2') == 'secret'.bytes
    }

    def "a wrong passphrase is refused with a message that names the fix"() {
        given:
        KeyVault.open(tx, PASSPHRASE, FAST)

        when:
        KeyVault.open(tx, 'wrong'.toCharArray(), FAST)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.KEY_PASSPHRASE_INVALID
        e.detail().contains('ENTENTE_KEY_PASSPHRASE')
        e.detail().contains('<data-dir>/passphrase')
        e.cause == null
    }

    def "a blob opened with another AAD fails as corrupt key material"() {
        given:
        KeyVault vault = KeyVault.open(tx, PASSPHRASE, FAST)

        when:
        vault.open(vault.seal('secret'.bytes, 'key-a'), 'key-b')

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.KEY_MATERIAL_CORRUPT
        e.detail().startsWith('sealed key key-b cannot be opened: ')
    }

    def "a tampered sealed_secret is reported as corrupt key material"() {
        given:
        SealedKeyStore store = new SealedKeyStore(tx, KeyVault.open(tx, PASSPHRASE, FAST))
        tx.inTransaction { c -> store.store(c, 'tamper-1', 'jwt', 'active', 'Ed25519', null, null, null, new byte[32], null) }

        when: 'one bit of the ciphertext is flipped in SQL'
        tx.inTransaction { c ->
            c.createStatement().executeUpdate(
                    "UPDATE sealed_keys SET sealed_secret = set_byte(sealed_secret, 20, get_byte(sealed_secret, 20) # 1) WHERE id = 'tamper-1'")
        }
        store.byId('tamper-1')

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.KEY_MATERIAL_CORRUPT
        e.detail().contains('tamper-1')
    }

    def "a sealed secret copied into another row does not open there"() {
        given: 'a retired key and the active one'
        SealedKeyStore store = new SealedKeyStore(tx, KeyVault.open(tx, PASSPHRASE, FAST))
        tx.inTransaction { c ->
            store.store(c, 'swap-old', 'tls', 'retired', 'Ed25519', null, null, null, 'old'.bytes, null)
            store.store(c, 'swap-new', 'tls', 'active', 'Ed25519', null, null, null, 'new'.bytes, null)
        }

        when: "an attacker with SQL access swaps the old key's blob in for the active one"
        tx.inTransaction { c ->
            c.createStatement().executeUpdate(
                    "UPDATE sealed_keys SET sealed_secret = (SELECT sealed_secret FROM sealed_keys WHERE id = 'swap-old') WHERE id = 'swap-new'")
        }
        store.active('tls')

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.KEY_MATERIAL_CORRUPT
        e.detail().contains('swap-new')

        and: 'the untouched row still opens'
        store.byId('swap-old').get().secret() == 'old'.bytes
    }

    def "no private key is stored as plaintext PKCS#8 anywhere in the database"() {
        given: 'a fresh Ed25519 and EC P-256 key'
        def ed = KeyPairGenerator.getInstance('Ed25519').generateKeyPair()
        def ecGen = KeyPairGenerator.getInstance('EC')
        ecGen.initialize(new ECGenParameterSpec('secp256r1'))
        def ec = ecGen.generateKeyPair()
        byte[] edPkcs8 = ed.private.encoded
        byte[] ecPkcs8 = ec.private.encoded
        byte[] edSeed = Arrays.copyOfRange(edPkcs8, edPkcs8.length - 32, edPkcs8.length)
        byte[] ecScalar = fixed32(((ECPrivateKey) ec.private).s)
        byte[] ed25519Prefix = [0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70] as byte[]

        and: 'the JDK encoding is what we think it is'
        assert edPkcs8.length == 48
        assert Arrays.copyOfRange(edPkcs8, 0, 12) == ed25519Prefix

        when:
        SealedKeyStore store = new SealedKeyStore(tx, KeyVault.open(tx, PASSPHRASE, FAST))
        tx.inTransaction { c ->
            store.store(c, 'pkcs8-ed', 'node', 'active', 'Ed25519', ed.public.encoded, null, null, edPkcs8, null)
            store.store(c, 'pkcs8-ec', 'ca', 'active', 'EC-P256', ec.public.encoded, null, null, ecPkcs8, null)
        }
        List<byte[]> cells = everyCell()

        then: 'the keys are there and open'
        store.byId('pkcs8-ed').get().secret() == edPkcs8
        store.byId('pkcs8-ec').get().secret() == ecPkcs8
        cells.size() > 20

        and: 'no cell of any table holds the key, raw or encoded'
        def needles = [edPkcs8, ecPkcs8, edSeed, ecScalar, ed25519Prefix]
        needles.addAll([edPkcs8, ecPkcs8].collect { Base64.encoder.encode(it) })
        needles.addAll([edPkcs8, ecPkcs8, edSeed].collect { it.encodeHex().toString().bytes })
        cells.every { cell -> needles.every { needle -> !contains(cell, needle) } }
    }

    def "hubs racing the first open create exactly one vault"() {
        given: 'a database with no vault yet'
        def db = PostgresFixture.migratedDatabase().dataSource()
        Tx fresh = new Tx(db)
        def pool = Executors.newFixedThreadPool(4)
        def start = new CountDownLatch(1)

        when:
        def futures = (1..4).collect { pool.submit({ start.await(); KeyVault.open(fresh, PASSPHRASE, FAST) } as Callable<KeyVault>) }
        start.countDown()
        List<KeyVault> vaults = futures*.get()

        then: 'one row, and every hub opens what every other sealed'
        fresh.read { c -> c.createStatement().executeQuery('SELECT count(*) FROM key_vault').with { rs -> rs.next(); rs.getInt(1) } } == 1
        vaults.every { a -> vaults.every { b -> b.open(a.seal('x'.bytes, 'k'), 'k') == 'x'.bytes } }

        cleanup:
        pool?.shutdownNow()
        db?.close()
    }

    /** Every bytea and text value of every row of every table, as bytes. */
    private List<byte[]> everyCell() {
        tx.read { Connection c ->
            List<String> tables = []
            c.createStatement().executeQuery(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'").with { rs ->
                while (rs.next()) tables << rs.getString(1)
            }
            assert tables.containsAll(['sealed_keys', 'key_vault'])
            List<byte[]> cells = []
            tables.each { t ->
                c.createStatement().executeQuery("SELECT * FROM \"$t\"").with { rs ->
                    def md = rs.metaData
                    while (rs.next()) {
                        (1..md.columnCount).each { i ->
                            String type = md.getColumnTypeName(i)
                            if (type == 'bytea') {
                                byte[] b = rs.getBytes(i)
                                if (b != null) cells << b
                            } else if (type in ['text', 'varchar', 'bpchar', 'json', 'jsonb']) {
                                String s = rs.getString(i)
                                if (s != null) cells << s.getBytes('UTF-8')
                            }
                        }
                    }
                }
            }
            cells
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            if (Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return true
            }
        }
        false
    }

    private static byte[] fixed32(BigInteger n) {
        byte[] raw = n.toByteArray()
        byte[] out = new byte[32]
        int copy = Math.min(raw.length, 32)
        System.arraycopy(raw, raw.length - copy, out, 32 - copy, copy)
        out
    }
}
