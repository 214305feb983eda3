package dev.entente.lifecycle.engine;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * An entity row as the engine loaded it, before the transition, for guards and effects to read
 * through typed getters ({@code row.instant("expires_at")}). A getter of a column the table does
 * not have, or of a value of another type, throws: a typo in a guard fails its first spec instead
 * of reading as null.
 */
public final class Row {
    // The engine is generic over every lifecycle's table and loads SELECT *, so the columns are
    // known by name only; the getters below are where their types are stated.
    private final Map<String, Object> columns = new LinkedHashMap<>();

    private Row() {
    }

    /** The current row of {@code rs}, {@code timestamptz} columns as {@link Instant}s. */
    static Row read(ResultSet rs) throws SQLException {
        ResultSetMetaData md = rs.getMetaData();
        Row row = new Row();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            Object v = rs.getObject(i);
            // Guards compare instants; java.sql.Timestamp's equals/compareTo traps are kept out of them.
            row.columns.put(md.getColumnLabel(i), v instanceof Timestamp ts ? ts.toInstant() : v);
        }
        return row;
    }

    /** The column's value as the driver returned it (null for SQL NULL). */
    public Object get(String column) {
        if (!columns.containsKey(column)) {
            throw new IllegalArgumentException("the row has no column '" + column + "'; it has " + columns.keySet());
        }
        return columns.get(column);
    }

    public String string(String column) {
        return typed(column, String.class);
    }

    public Instant instant(String column) {
        return typed(column, Instant.class);
    }

    public UUID uuid(String column) {
        return typed(column, UUID.class);
    }

    public byte[] bytes(String column) {
        return typed(column, byte[].class);
    }

    /** An integer column ({@code int}, {@code bigint}); SQL NULL is refused, there is no long for it. */
    public long longValue(String column) {
        Number n = typed(column, Number.class);
        if (n == null) {
            throw new IllegalStateException("column '" + column + "' is null");
        }
        return n.longValue();
    }

    /** A {@code text[]} column as a list, empty for SQL NULL. */
    public List<String> strings(String column) {
        Object v = get(column);
        try {
            if (v instanceof Array a) {
                return List.of((String[]) a.getArray());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("column '" + column + "' cannot be read", e);
        }
        if (v instanceof Collection<?> c) {
            return c.stream().map(String::valueOf).toList();
        }
        if (v == null) {
            return List.of();
        }
        throw new IllegalStateException("column '" + column + "' is not an array but " + v.getClass().getName());
    }

    private <T> T typed(String column, Class<T> type) {
        Object v = get(column);
        if (v == null || type.isInstance(v)) {
            return type.cast(v);
        }
        throw new IllegalStateException("column '" + column + "' is " + v.getClass().getName() + ", not " + type.getName());
    }
}
