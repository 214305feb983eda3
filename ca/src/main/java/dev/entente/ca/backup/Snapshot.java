package dev.entente.ca.backup;

import dev.entente.ca.vault.KeyVault;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A hot backup: every table of the hub's schema copied out in ONE {@code REPEATABLE READ READ
 * ONLY} transaction, so the archive is a single point in time even while the hub keeps writing
 * (an audit event and the chain head that points at it, a grant and its peer, always travel
 * together). It needs no {@code pg_dump}, which the embedded database does not ship.
 *
 * <p>Sealed keys are copied as they are stored: sealed under the key passphrase, which is not
 * in the archive.
 */
public final class Snapshot {
    private Snapshot() {
    }

    /**
     * Writes the archive to {@code out} (not closed) and returns its manifest.
     *
     * @throws EntenteException {@link ErrorCode#BACKUP_WRITE_FAILED} when {@code out} fails
     */
    public static BackupManifest write(Tx tx, OutputStream out, Instant now) {
        try {
            return tx.inTransaction(Connection.TRANSACTION_REPEATABLE_READ, c -> {
                try (Statement s = c.createStatement()) {
                    s.execute("SET TRANSACTION READ ONLY");
                }
                return write(c, out, now);
            });
        } catch (UncheckedIOException e) {
            throw new EntenteException(ErrorCode.BACKUP_WRITE_FAILED, "cannot write the backup: "
                    + e.getCause().getMessage(), e);
        }
    }

    private static BackupManifest write(Connection c, OutputStream out, Instant now) throws SQLException {
        // The first query fixes the snapshot; everything below, catalog included, reads from it.
        String hubId;
        String hubName;
        try (PreparedStatement ps = c.prepareStatement("SELECT hub_id, name FROM hub");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new EntenteException(ErrorCode.DATABASE_UNREACHABLE, "the database holds no hub identity yet");
            }
            hubId = rs.getString(1);
            hubName = rs.getString(2);
        }
        KeyVault.Header vault = KeyVault.header(c).orElseThrow(() ->
                new EntenteException(ErrorCode.DATABASE_UNREACHABLE, "the database holds no key vault yet"));
        List<String> migrations = SchemaCatalog.appliedMigrations(c);
        List<String> all = SchemaCatalog.allTables(c);
        Map<String, Long> sequences = SchemaCatalog.sequences(c);
        String pgVersion;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SHOW server_version")) {
            rs.next();
            pgVersion = rs.getString(1);
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        ZipOutputStream zip = new ZipOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        });
        List<BackupManifest.Table> tables = new ArrayList<>();
        try {
            for (String table : all) {
                if (SchemaCatalog.excluded(table)) {
                    continue;
                }
                List<String> columns = SchemaCatalog.columns(c, table);
                String entry = "tables/" + table + ".copy";
                zip.putNextEntry(new ZipEntry(entry));
                Digesting body = new Digesting(zip);
                long rows = copy.copyOut("COPY " + SchemaCatalog.quote(table) + " ("
                        + SchemaCatalog.columnList(columns) + ") TO STDOUT", body);
                zip.closeEntry();
                tables.add(new BackupManifest.Table(table, entry, columns, rows, body.count, body.hex()));
            }
            BackupManifest manifest = new BackupManifest(BackupManifest.FORMAT_VERSION, hubId, hubName,
                    migrations.isEmpty() ? "0" : migrations.get(migrations.size() - 1), migrations, now.toString(),
                    pgVersion, vault, tables, sequences, all.stream().filter(SchemaCatalog::excluded).toList());
            zip.putNextEntry(new ZipEntry(BackupManifest.ENTRY));
            zip.write(manifest.toJson());
            zip.closeEntry();
            // Closes the zip (and frees its deflater) but only flushes out: the caller owns it.
            zip.close();
            return manifest;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Counts and hashes what passes through, and leaves the zip stream open. */
    static final class Digesting extends OutputStream {
        private final OutputStream out;
        private final MessageDigest sha256 = sha256();
        long count;

        Digesting(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sha256.update((byte) b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sha256.update(b, off, len);
            count += len;
        }

        @Override
        public void close() {
            // the entry ends with closeEntry(), not here
        }

        String hex() {
            return HexFormat.of().formatHex(sha256.digest());
        }
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
