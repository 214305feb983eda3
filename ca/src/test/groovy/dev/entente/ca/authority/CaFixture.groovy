package dev.entente.ca.authority

import com.zaxxer.hikari.HikariDataSource
import dev.entente.ca.crypto.Argon2id
import dev.entente.ca.vault.KeyVault
import dev.entente.ca.vault.SealedKeyStore
import dev.entente.ca.vault.VaultAuditKeyring
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.db.DataContext
import dev.entente.lifecycle.db.Tx
import dev.entente.testkit.PostgresFixture

import java.nio.file.Files
import java.nio.file.Path
import java.security.cert.X509Certificate
import java.time.Clock
import java.time.Duration
import java.util.concurrent.TimeUnit

/**
 * One hub's federation CA over a fresh migrated database, built the way the hub builds it.
 * {@link #restart} builds new objects over the same database, as a restarted hub would.
 */
class CaFixture implements Closeable {
    /** Small Argon2 parameters: the specs test the CA, not the KDF's cost. */
    static final Argon2id.Params FAST = new Argon2id.Params(1024, 1, 1)
    static final char[] PASSPHRASE = 'federation ca spec'.toCharArray()
    static final String HUB = 'hub_0000000a'

    final HikariDataSource ds
    final DataContext data
    final Tx tx
    final CaAlgorithm algorithm
    SealedKeyStore store
    FederationCa ca
    CertificateAuthority authority

    CaFixture(CaAlgorithm algorithm = CaAlgorithm.ED25519, Clock clock = Clock.systemUTC()) {
        this.algorithm = algorithm
        ds = PostgresFixture.migratedDatabase().dataSource()
        data = DataContext.over(ds)
        tx = data.tx()
        restart(clock)
    }

    CaFixture restart(Clock clock = Clock.systemUTC()) {
        store = new SealedKeyStore(tx, KeyVault.open(tx, PASSPHRASE, FAST))
        ca = FederationCa.loadOrCreate(tx, store, HUB, algorithm, clock)
        authority = authorityAt(clock)
        this
    }

    CertificateAuthority authorityAt(Clock clock, Duration ttl = NodeCertificateSigner.DEFAULT_NODE_TTL) {
        new CertificateAuthority(tx, data.bean(IssuedCertificateTable), ca, new CsrPolicy(), ttl, new AuditLog(VaultAuditKeyring.load(store, tx), clock), clock)
    }

    IssuedCertificate issue(String peerId, byte[] csr, CertificateAuthority via = authority) {
        tx.inTransaction { c -> via.issue(c, peerId, "hub_${peerId}", csr) }
    }

    def <T> T inTx(Closure<T> work) {
        tx.inTransaction { c -> work(c) }
    }

    void close() {
        data.close()
        ds.close()
    }

    /** A database with a key vault but no CA yet: for racing first starts. */
    static class Empty implements Closeable {
        final HikariDataSource ds = PostgresFixture.migratedDatabase().dataSource()
        final Tx tx = new Tx(ds)
        final SealedKeyStore store = new SealedKeyStore(tx, KeyVault.open(tx, PASSPHRASE, FAST))

        FederationCa load() {
            FederationCa.loadOrCreate(tx, store, HUB, CaAlgorithm.ED25519, Clock.systemUTC())
        }

        void close() {
            ds.close()
        }
    }

    /** Every non-null bytea and text cell of every table in the public schema. */
    static List<byte[]> everyCell(Tx tx) {
        tx.read { c ->
            List<byte[]> cells = []
            def cols = c.createStatement().executeQuery("SELECT table_name, column_name, udt_name FROM information_schema.columns "
                    + "WHERE table_schema = 'public' AND udt_name IN ('bytea', 'text', 'varchar', 'bpchar')")
            def targets = []
            while (cols.next()) targets << [cols.getString(1), cols.getString(2), cols.getString(3)]
            targets.each { t, col, type ->
                def rs = c.createStatement().executeQuery("SELECT \"${col}\" FROM \"${t}\"")
                while (rs.next()) {
                    if (type == 'bytea') {
                        byte[] b = rs.getBytes(1)
                        if (b != null) cells << b
                    } else {
                        String s = rs.getString(1)
                        if (s != null) cells << s.getBytes('UTF-8')
                    }
                }
            }
            cells
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        dev.entente.ca.crypto.TestCsrs.indexOf(haystack, needle)
    }

    /** Runs the real {@code openssl verify} of {@code leaf} against {@code bundlePem}; true when it says OK. */
    static boolean opensslVerifies(String bundlePem, X509Certificate leaf) {
        Path dir = Files.createTempDirectory('entente-openssl')
        try {
            Path bundle = dir.resolve('bundle.pem')
            Path cert = dir.resolve('leaf.pem')
            Files.writeString(bundle, bundlePem)
            Files.writeString(cert, dev.entente.ca.crypto.Certificates.toPem(leaf))
            def p = new ProcessBuilder('openssl', 'verify', '-purpose', 'sslclient', '-CAfile', bundle.toString(), cert.toString())
                    .redirectErrorStream(true).start()
            String out = p.inputStream.text
            assert p.waitFor(30, TimeUnit.SECONDS)
            assert (p.exitValue() == 0) == out.contains(': OK'): out
            p.exitValue() == 0
        } finally {
            dir.toFile().deleteDir()
        }
    }
}
