package dev.entente.federation.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.data.model.Sort;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The exported resources table. Names are validated before they reach SQL or a URL path: no
 * slashes, no dot-dot, bounded length, so {@code KIND/NAME} can never address anything but one row.
 */
public final class ResourceRepository {
    public static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_-]{0,62}");
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    public static final Pattern PLACEMENT = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    public static final Pattern ATTRIBUTE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}");
    public static final int MAX_ATTRIBUTES = 64;
    public static final int MAX_ATTRIBUTE_VALUE = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS = "kind, name, instance_id, network_id, attributes::text, created_at, updated_at";

    private static final Sort BY_KIND_AND_NAME = Sort.of(Sort.Order.asc("key.kind"), Sort.Order.asc("key.name"));

    private final Tx tx;
    private final ResourceTable rows;
    private final java.util.function.BiConsumer<String, String> changed;

    public ResourceRepository(Tx tx, ResourceTable rows) {
        this(tx, rows, (kind, name) -> { });
    }

    /**
     * @param changed told {@code (kind, name)} after a put or delete commits, so that in-memory
     *                copies (the federation API's cache) never serve the old version
     */
    public ResourceRepository(Tx tx, ResourceTable rows, java.util.function.BiConsumer<String, String> changed) {
        this.tx = tx;
        this.rows = rows;
        this.changed = java.util.Objects.requireNonNull(changed, "changed");
    }

    /** Creates or replaces {@code kind/name}; returns the stored resource. */
    public Resource put(String kind, String name, String instanceId, String networkId, Map<String, String> attributes) {
        validate(kind, name);
        placement("instance", instanceId);
        placement("network", networkId);
        attributes(attributes);
        String json;
        try {
            json = JSON.writeValueAsString(attributes);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        // hand-written: Data cannot say an upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING)
        Resource stored = tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO exported_resources (kind, name, instance_id, network_id, attributes) VALUES (?, ?, ?, ?, ?::jsonb) "
                            + "ON CONFLICT (kind, name) DO UPDATE SET instance_id = excluded.instance_id, "
                            + "network_id = excluded.network_id, attributes = excluded.attributes, updated_at = now() "
                            + "RETURNING " + COLUMNS)) {
                ps.setString(1, kind);
                ps.setString(2, name);
                ps.setString(3, instanceId);
                ps.setString(4, networkId);
                ps.setString(5, json);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return read(rs);
                }
            }
        });
        changed.accept(kind, name);
        return stored;
    }

    public Optional<Resource> get(String kind, String name) {
        validate(kind, name);
        // hand-written: the federation API's cache-miss path; the generated finder cost ~2× the statement
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM exported_resources WHERE kind = ? AND name = ?")) {
                ps.setString(1, kind);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.<Resource>empty();
                }
            }
        });
    }

    public List<Resource> list() {
        return tx.read(c -> rows.findAll(BY_KIND_AND_NAME).stream().map(ResourceRepository::resource).toList());
    }

    /** Deletes {@code kind/name}; false when there was none. */
    public boolean delete(String kind, String name) {
        validate(kind, name);
        boolean deleted = tx.inTransaction(c -> rows.deleteById(new ResourceRow.Key(kind, name)) > 0);
        changed.accept(kind, name);
        return deleted;
    }

    public static void validate(String kind, String name) {
        if (kind == null || !KIND.matcher(kind).matches()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "kind must be 1-63 characters: a lower-case letter, "
                    + "then lower-case letters, digits, '_' or '-'; got " + quote(kind));
        }
        if (name == null || !NAME.matcher(name).matches() || name.contains("..")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "name must be 1-128 characters of letters, digits, "
                    + "'.', '_' or '-', start with a letter or digit, and contain no '..'; got " + quote(name));
        }
    }

    /** An instance or network id: null, or 1-128 characters of letters, digits, '.', '_', ':' or '-'. */
    public static void placement(String what, String value) {
        if (value != null && !PLACEMENT.matcher(value).matches()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, what + " must be 1-128 characters of letters, digits, "
                    + "'.', '_', ':' or '-'; got " + quote(value));
        }
    }

    /** At most {@value #MAX_ATTRIBUTES} attributes, named like {@code tier.level}, with bounded values. */
    public static void attributes(Map<String, String> attributes) {
        if (attributes.size() > MAX_ATTRIBUTES) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "at most " + MAX_ATTRIBUTES + " attributes");
        }
        attributes.forEach((k, v) -> {
            if (k == null || !ATTRIBUTE.matcher(k).matches()) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "attribute names look like region or tier.level; got " + quote(k));
            }
            if (v == null || v.length() > MAX_ATTRIBUTE_VALUE) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "attribute " + k + " needs a value of at most "
                        + MAX_ATTRIBUTE_VALUE + " characters");
            }
        });
    }

    private static String quote(String s) {
        if (s == null) {
            return "nothing";
        }
        String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }

    private static Resource read(ResultSet rs) throws SQLException {
        return new Resource(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                attributes(rs.getString(1), rs.getString(2), rs.getString(5)),
                rs.getTimestamp(6).toInstant(), rs.getTimestamp(7).toInstant());
    }

    private static Resource resource(ResourceRow row) {
        return new Resource(row.key().kind(), row.key().name(), row.instanceId(), row.networkId(),
                attributes(row.key().kind(), row.key().name(), row.attributes()), row.createdAt(), row.updatedAt());
    }

    private static Map<String, String> attributes(String kind, String name, String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, String>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("attributes of " + kind + "/" + name + " are not a JSON object", e);
        }
    }
}
