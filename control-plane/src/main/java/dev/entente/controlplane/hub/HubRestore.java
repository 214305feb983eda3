package dev.entente.controlplane.hub;

import com.zaxxer.hikari.HikariDataSource;
import dev.entente.ca.vault.KeyVault;
import dev.entente.ca.vault.Passphrases;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.VaultAuditKeyring;
import dev.entente.ca.backup.BackupArchive;
import dev.entente.ca.backup.BackupManifest;
import dev.entente.ca.backup.SchemaCatalog;
import dev.entente.ca.backup.TableLoader;
import dev.entente.client.local.LocalHub;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.AuditVerification;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.configuration.FluentConfiguration;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code entente restore}: a backup archive into a new data directory with an embedded
 * PostgreSQL, so that {@code entente start} on it brings up the same hub (id, TLS key, peers,
 * grants, CA keys, audit chain).
 *
 * <p>Order of work, cheapest refusal first: the archive's checksums, the target's emptiness and
 * the passphrase (against the key-vault header in the manifest) are checked before anything is
 * created. Then the database is migrated to exactly the backup's schema version, every table is
 * loaded in one transaction, and only then do the newer migrations of this binary run, as they
 * would on a hub upgraded in place. Last, the restored vault must open every sealed key. A
 * failure at any step removes everything the restore created, so a data dir either holds a
 * complete hub or nothing.
 */
public final class HubRestore {
    private HubRestore() {
    }

    /**
     * @param passphrase     the key passphrase of the backed-up hub
     * @param passphraseFile true when it came from a file: the restored data dir then gets its own
     *                       {@code passphrase} file, so {@code entente start} needs no environment
     */
    public static LocalHub.Restored restore(Path archiveFile, Path dataDir, char[] passphrase, boolean passphraseFile, Clock clock) {
        try (BackupArchive archive = BackupArchive.open(archiveFile)) {
            BackupManifest m = archive.manifest();
            boolean created = checkEmpty(dataDir);
            try {
                KeyVault.unlock(m.keyVault(), passphrase);
            } catch (EntenteException e) {
                if (e.code() == ErrorCode.KEY_PASSPHRASE_INVALID) {
                    throw new EntenteException(ErrorCode.KEY_PASSPHRASE_INVALID, "the key passphrase does not open the key "
                            + "vault of " + m.hubId() + " in this backup; pass --passphrase-file with the original hub's "
                            + "<data-dir>/passphrase, or set ENTENTE_KEY_PASSPHRASE to the passphrase it ran with; "
                            + "nothing was created");
                }
                throw e;
            }
            try {
                return load(archive, dataDir, passphrase, passphraseFile, clock);
            } catch (RuntimeException e) {
                removeCreated(dataDir, created, e);
                throw e;
            }
        }
    }

    private static LocalHub.Restored load(BackupArchive archive, Path dataDir, char[] passphrase, boolean passphraseFile, Clock clock) {
        BackupManifest m = archive.manifest();
        createPrivateDir(dataDir);
        DataDirLock lock = DataDirLock.acquire(dataDir);
        EmbeddedDatabase db = null;
        HikariDataSource ds = null;
        try {
            db = EmbeddedDatabase.start(dataDir.resolve("pg"));
            ds = HubBootstrap.dataSource(db.jdbcUrl(), db.hubUser(), db.hubPassword());
            FluentConfiguration flyway = Flyway.configure().dataSource(ds).locations("classpath:db/migration");
            checkSchemaKnown(flyway, m);
            migrate(flyway.target(MigrationVersion.fromVersion(m.schemaVersion())));
            Tx tx = new Tx(ds);
            long rows = tx.inTransaction(c -> TableLoader.load(c, archive));
            int applied = migrate(Flyway.configure().dataSource(ds).locations("classpath:db/migration"));
            String schemaVersion = tx.read(c -> SchemaCatalog.appliedMigrations(c).stream().reduce((a, b) -> b))
                    .orElse(m.schemaVersion());

            // The restored vault must open every sealed key now, not at the first CA signature.
            KeyVault vault = KeyVault.open(tx, passphrase);
            SealedKeyStore keys = new SealedKeyStore(tx, vault);
            tx.read(c -> {
                List<String> purposes = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT purpose FROM sealed_keys");
                     ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        purposes.add(rs.getString(1));
                    }
                }
                for (String p : purposes) {
                    keys.byPurpose(c, p);
                }
                return null;
            });
            AuditLog audit = new AuditLog(VaultAuditKeyring.load(keys, tx), clock);
            AuditVerification verified = tx.read(audit::verify);
            AuditDetails details = AuditDetails.of()
                    .put("backup_created_at", m.createdAt())
                    .put("backup_schema_version", m.schemaVersion())
                    .put("schema_version", schemaVersion)
                    .put("backup_sha256", archive.sha256())
                    .put("rows", rows);
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(EventSource.HUB, AuditEventType.HUB_RESTORED, m.hubId(), details)));
            if (passphraseFile) {
                HubBootstrap.writePrivate(dataDir.resolve(Passphrases.FILE_NAME), new String(passphrase) + "\n");
            }
            return new LocalHub.Restored(m.hubId(), m.hubName(), dataDir, m.schemaVersion(), schemaVersion, m.tables().size(), rows,
                    applied, m.createdAt(), archive.sha256(), verified, passphraseFile);
        } finally {
            if (ds != null) {
                ds.close();
            }
            if (db != null) {
                db.stop();
            }
            lock.close();
        }
    }

    /** A backup whose migrations this binary does not all know came from a newer hub: refuse it. */
    private static void checkSchemaKnown(FluentConfiguration flyway, BackupManifest m) {
        Set<String> known = new TreeSet<>();
        MigrationVersion newest = MigrationVersion.EMPTY;
        try {
            for (MigrationInfo info : flyway.load().info().all()) {
                if (info.getVersion() != null) {
                    known.add(info.getVersion().getVersion());
                    if (info.getVersion().compareTo(newest) > 0) {
                        newest = info.getVersion();
                    }
                }
            }
        } catch (FlywayException e) {
            throw new EntenteException(ErrorCode.DATABASE_UNREACHABLE, "cannot read the bundled migrations: "
                    + HubBootstrap.rootMessage(e), e);
        }
        List<String> unknown = m.migrations().stream().filter(v -> !known.contains(MigrationVersion.fromVersion(v).getVersion()))
                .sorted(Comparator.comparing(MigrationVersion::fromVersion)).toList();
        if (!unknown.isEmpty()) {
            throw new EntenteException(ErrorCode.BACKUP_SCHEMA_TOO_NEW, "backup of " + m.hubId() + " is at schema version "
                    + m.schemaVersion() + " and has migration(s) V" + String.join(", V", unknown)
                    + " this entente does not know (it goes up to V" + newest.getVersion()
                    + "); restore with the entente version that took the backup, or a newer one; nothing was kept");
        }
    }

    private static int migrate(FluentConfiguration flyway) {
        try {
            return flyway.load().migrate().migrationsExecuted;
        } catch (FlywayException e) {
            throw new EntenteException(ErrorCode.DATABASE_UNREACHABLE, "migrations failed: " + HubBootstrap.rootMessage(e), e);
        }
    }

    /** True when the directory does not exist yet (the restore creates it, and removes it on failure). */
    private static boolean checkEmpty(Path dataDir) {
        if (!Files.exists(dataDir)) {
            return true;
        }
        if (!Files.isDirectory(dataDir)) {
            throw new EntenteException(ErrorCode.RESTORE_TARGET_NOT_EMPTY, dataDir + " exists and is not a directory; "
                    + "restore into a new --data-dir");
        }
        try (Stream<Path> entries = Files.list(dataDir)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().limit(5).toList();
            if (!names.isEmpty()) {
                throw new EntenteException(ErrorCode.RESTORE_TARGET_NOT_EMPTY, dataDir + " is not empty (" + String.join(", ", names)
                        + "); a restore never merges into an existing hub: pick a new --data-dir");
            }
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "cannot read " + dataDir + ": " + e.getMessage(), e);
        }
        return false;
    }

    private static void createPrivateDir(Path dir) {
        try {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "cannot create " + dir + ": " + e.getMessage()
                    + "; pass --data-dir to a writable place", e);
        }
    }

    /** Leaves the target as it was found: absent, or an empty directory. */
    private static void removeCreated(Path dataDir, boolean created, RuntimeException cause) {
        if (!Files.exists(dataDir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dataDir)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                if (!p.equals(dataDir) || created) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
