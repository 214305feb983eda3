package dev.entente.ca.backup;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a verified archive into a database migrated to exactly the backup's schema version, on
 * the caller's connection and inside its transaction: either every table is loaded or none is.
 */
public final class TableLoader {
    private TableLoader() {
    }

    /** Replaces the contents of every backed-up table with the archive's rows; returns the rows loaded. */
    public static long load(Connection c, BackupArchive archive) throws SQLException {
        BackupManifest m = archive.manifest();
        List<String> target = SchemaCatalog.backedUpTables(c);
        Set<String> inArchive = new HashSet<>();
        m.tables().forEach(t -> inArchive.add(t.name()));
        Set<String> missing = new TreeSet<>(target);
        missing.removeAll(inArchive);
        Set<String> unknown = new TreeSet<>(inArchive);
        unknown.removeAll(target);
        if (!missing.isEmpty() || !unknown.isEmpty()) {
            throw BackupArchive.corrupt(archive.file(), "at schema version " + m.schemaVersion() + " it should hold tables "
                    + target + (missing.isEmpty() ? "" : "; it lacks " + missing)
                    + (unknown.isEmpty() ? "" : "; it has unknown " + unknown));
        }
        // Migrations seed rows (the audit chain head, for one): the backup's rows replace them.
        List<String> quoted = new ArrayList<>();
        target.forEach(t -> quoted.add(SchemaCatalog.quote(t)));
        try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + String.join(", ", quoted));
        }
        CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
        long total = 0;
        // Parents first, so foreign keys hold after every table.
        for (String name : target) {
            BackupManifest.Table t = m.tables().stream().filter(x -> x.name().equals(name)).findFirst().orElseThrow();
            long rows;
            try (InputStream in = archive.entry(t)) {
                rows = copy.copyIn("COPY " + SchemaCatalog.quote(name) + " (" + SchemaCatalog.columnList(t.columns())
                        + ") FROM STDIN", in);
            } catch (IOException e) {
                throw BackupArchive.corrupt(archive.file(), "table " + name + " cannot be read: " + e.getMessage());
            } catch (SQLException e) {
                if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                    throw e;
                }
                throw new EntenteException(ErrorCode.BACKUP_CORRUPT, "backup " + archive.file() + " is unusable: table "
                        + name + " does not load into schema version " + m.schemaVersion() + ": " + e.getMessage(), e);
            }
            if (rows != t.rows()) {
                throw BackupArchive.corrupt(archive.file(), "table " + name + " loaded " + rows + " rows, the manifest says "
                        + t.rows());
            }
            total += rows;
        }
        for (Map.Entry<String, Long> seq : m.sequences().entrySet()) {
            try (PreparedStatement ps = c.prepareStatement("SELECT setval(?::regclass, ?, true)")) {
                ps.setString(1, SchemaCatalog.quote(seq.getKey()));
                ps.setLong(2, seq.getValue());
                ps.execute();
            }
        }
        return total;
    }
}
