package dev.entente.ca.backup;

import org.flywaydb.core.api.MigrationVersion;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a backup copies, read from PostgreSQL's catalog rather than listed by hand, so a table a
 * later migration adds is backed up without anyone remembering to add it here.
 *
 * <p>Two kinds of table are left out. {@code flyway_schema_history} is rebuilt by running the
 * migrations on the target. Quartz's {@code qrtz_*} tables are scheduler runtime state: fired
 * triggers and scheduler-instance rows of the old hub would make the restored hub's scheduler
 * recover jobs of an instance that no longer exists, and every hub re-registers its jobs and
 * triggers when it starts anyway.
 */
public final class SchemaCatalog {
    private SchemaCatalog() {
    }

    /** True for tables a backup does not carry (see the class comment). */
    public static boolean excluded(String table) {
        return table.equals("flyway_schema_history") || table.startsWith("qrtz_");
    }

    /** Every ordinary table of the current schema, parents before the tables that reference them. */
    public static List<String> allTables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT c.relname FROM pg_class c "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND NOT c.relispartition ORDER BY 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        Map<String, Set<String>> parents = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT child.relname, parent.relname FROM pg_constraint k "
                + "JOIN pg_class child ON child.oid = k.conrelid JOIN pg_class parent ON parent.oid = k.confrelid "
                + "JOIN pg_namespace n ON n.oid = child.relnamespace "
                + "WHERE k.contype = 'f' AND n.nspname = current_schema()");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                if (!rs.getString(1).equals(rs.getString(2))) {
                    parents.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                }
            }
        }
        return dependencyOrder(tables, parents);
    }

    /** The tables a backup carries, in load order. */
    public static List<String> backedUpTables(Connection c) throws SQLException {
        return allTables(c).stream().filter(t -> !excluded(t)).toList();
    }

    /** Kahn's algorithm, alphabetical among tables that are ready, so the order is stable. */
    static List<String> dependencyOrder(List<String> tables, Map<String, Set<String>> parents) {
        Set<String> known = new HashSet<>(tables);
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> children = new HashMap<>();
        for (String t : tables) {
            int n = 0;
            for (String p : parents.getOrDefault(t, Set.of())) {
                if (known.contains(p)) {
                    n++;
                    children.computeIfAbsent(p, k -> new ArrayList<>()).add(t);
                }
            }
            waiting.put(t, n);
        }
        TreeSet<String> ready = new TreeSet<>();
        waiting.forEach((t, n) -> {
            if (n == 0) {
                ready.add(t);
            }
        });
        List<String> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            String t = ready.pollFirst();
            out.add(t);
            for (String child : children.getOrDefault(t, List.of())) {
                if (waiting.merge(child, -1, Integer::sum) == 0) {
                    ready.add(child);
                }
            }
        }
        if (out.size() != tables.size()) {
            Set<String> cycle = new TreeSet<>(tables);
            out.forEach(cycle::remove);
            throw new IllegalStateException("foreign keys form a cycle between " + cycle + "; no load order exists");
        }
        return out;
    }

    /** The table's columns in order, without generated ones (COPY cannot write those). */
    public static List<String> columns(Connection c, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.attname FROM pg_attribute a "
                + "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE n.nspname = current_schema() AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped "
                + "AND a.attgenerated = '' ORDER BY a.attnum")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        }
        return out;
    }

    /** Sequences of the current schema that were ever used, with their last value. */
    public static Map<String, Long> sequences(Connection c) throws SQLException {
        Map<String, Long> out = new java.util.LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT sequencename, last_value FROM pg_sequences "
                + "WHERE schemaname = current_schema() AND last_value IS NOT NULL ORDER BY 1");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(rs.getString(1), rs.getLong(2));
            }
        }
        return out;
    }

    /** The versions of every successfully applied migration, oldest first. */
    public static List<String> appliedMigrations(Connection c) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        out.sort(Comparator.comparing(MigrationVersion::fromVersion));
        return out;
    }

    /** A quoted identifier: table names come from the catalog, but a backup file is input. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    static String columnList(List<String> columns) {
        StringBuilder sb = new StringBuilder();
        for (String col : columns) {
            if (!sb.isEmpty()) {
                sb.append(", ");
            }
            sb.append(quote(col));
        }
        return sb.toString();
    }
}
