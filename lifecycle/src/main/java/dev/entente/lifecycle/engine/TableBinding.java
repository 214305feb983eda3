package dev.entente.lifecycle.engine;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a lifecycle's entities live: the table and its id, state and version columns, and the
 * column stamped with {@code now()} on every transition ({@code null} for none). The names are
 * spliced into SQL, so they must be plain lower_snake identifiers; that check closes SQL injection
 * through a definition.
 */
public record TableBinding(String table, String idColumn, String stateColumn, String versionColumn,
                           String updatedAtColumn) {
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]*");

    public TableBinding {
        check(Objects.requireNonNull(table, "table"));
        check(Objects.requireNonNull(idColumn, "idColumn"));
        check(Objects.requireNonNull(stateColumn, "stateColumn"));
        check(Objects.requireNonNull(versionColumn, "versionColumn"));
        if (updatedAtColumn != null) {
            check(updatedAtColumn);
        }
    }

    private static void check(String name) {
        if (!IDENTIFIER.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain lower_snake SQL identifier: '" + name + "'");
        }
    }

    /** The house layout: columns {@code id}, {@code state}, {@code version} and {@code updated_at}. */
    public static TableBinding of(String table) {
        return new TableBinding(table, "id", "state", "version", "updated_at");
    }
}
