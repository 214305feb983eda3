package dev.entente.lifecycle.audit;

import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An audit event's details as they are built: a JSON object whose values are strings, numbers,
 * booleans, instants (written as ISO-8601 strings) and lists of strings, in the order put.
 *
 * <p>The typed {@code put}s are the point: an event's details are hashed into the chain as
 * canonical JSON, so a value must serialise the same way on every JVM and every release. A
 * record or a {@code Duration} dropped into a plain map would be written by whatever Jackson does
 * with it today; here it does not compile.
 */
public final class AuditDetails {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private AuditDetails() {
    }

    public static AuditDetails of() {
        return new AuditDetails();
    }

    public static AuditDetails of(String key, String value) {
        return new AuditDetails().put(key, value);
    }

    public AuditDetails put(String key, String value) {
        values.put(key, value);
        return this;
    }

    public AuditDetails put(String key, long value) {
        values.put(key, value);
        return this;
    }

    public AuditDetails put(String key, boolean value) {
        values.put(key, value);
        return this;
    }

    /** An instant as its ISO-8601 string; null stays null. */
    public AuditDetails put(String key, Instant value) {
        values.put(key, value == null ? null : value.toString());
        return this;
    }

    public AuditDetails put(String key, Collection<String> value) {
        values.put(key, value == null ? null : List.copyOf(value));
        return this;
    }

    /** Puts the value only when it is not null, so an absent fact leaves no {@code "key": null}. */
    public AuditDetails putIfPresent(String key, String value) {
        if (value != null) {
            values.put(key, value);
        }
        return this;
    }

    /**
     * Details a caller handed over as a map (a transition's reason, a refusal's problem members):
     * already JSON-shaped by their maker, copied as they are.
     */
    public AuditDetails putAll(Map<String, ?> more) {
        if (more != null) {
            values.putAll(more);
        }
        return this;
    }

    /** A read-only view in the order put. */
    public Map<String, Object> asMap() {
        return Collections.unmodifiableMap(values);
    }
}
