package dev.entente.lifecycle.engine;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A piece of SQL with its {@code ?} parameters, for {@link LifecycleEngine#applyBulk}: a guard
 * predicate ({@code last_heartbeat_at < ?}) or a column's new value ({@code ? || name}).
 *
 * <p>The text is spliced into the statement, so it must come from code, never from a request;
 * every value a caller supplies goes in {@link #params()}. The constructor counts the {@code ?}
 * outside string literals and refuses a mismatch, which would otherwise bind values to the wrong
 * placeholders silently.
 *
 * @param sql    the SQL text, with {@code ?} placeholders
 * @param params one value per placeholder, in order (bound with {@code setObject}; pass
 *               {@link java.sql.Timestamp} for {@code timestamptz})
 */
public record SqlFragment(String sql, List<Object> params) {

    public SqlFragment {
        Objects.requireNonNull(sql, "sql");
        if (sql.isBlank()) {
            throw new IllegalArgumentException("empty SQL fragment");
        }
        // List.copyOf refuses nulls, and a NULL parameter is legitimate.
        params = params == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(params));
        int placeholders = placeholders(sql);
        if (placeholders != params.size()) {
            throw new IllegalArgumentException("SQL fragment has " + placeholders + " placeholder(s) but "
                    + params.size() + " parameter(s): " + sql);
        }
    }

    /** A fragment and its parameters. */
    public static SqlFragment of(String sql, Object... params) {
        List<Object> list = new ArrayList<>(params.length);
        Collections.addAll(list, params);
        return new SqlFragment(sql, list);
    }

    private static int placeholders(String sql) {
        int n = 0;
        boolean quoted = false;
        for (int i = 0; i < sql.length(); i++) {
            char ch = sql.charAt(i);
            if (ch == '\'') {
                quoted = !quoted;
            } else if (ch == '?' && !quoted) {
                n++;
            }
        }
        return n;
    }
}
