package dev.entente.lifecycle.audit;

import java.util.Collections;
import java.util.Map;

/**
 * An event to append: a dotted type ({@code peer.accepted}, {@code access.denied}), an optional
 * error code, who did it, what it was done to, and free-form details (snake_case keys).
 *
 * <p>Emitters name the type from {@link AuditEventType}; only a lifecycle transition passes a
 * string, the {@code <entity>.<state>} its definition builds (and a spec checks is registered).
 *
 * <p>The details stay a map on purpose: they are the event's free-form JSON object, stored as
 * canonical JSON in the hash chain and shown as-is by {@code entente events}. Each emitter
 * chooses its own keys (a peer's reason, a sweep's ids and count, a rotation's laggards), and an
 * event read back from the chain must verify byte for byte whatever Java type once wrote it.
 */
public record AuditEvent(String type, String code, String actor, String subject, Map<String, Object> details) {
    public AuditEvent {
        details = details == null ? Map.of() : details;
    }

    /** An event an operator or a calling peer caused. */
    public static AuditEvent of(AuditEventType type, String actor, String subject, Map<String, ?> details) {
        return new AuditEvent(type.value(), null, actor, subject, json(details));
    }

    /** An event the hub's own {@code source} caused, listed by {@code entente events}. */
    public static AuditEvent of(EventSource source, AuditEventType type, String subject, Map<String, ?> details) {
        return new AuditEvent(type.value(), null, source.actor(), subject, json(details));
    }

    /**
     * An event of a type built at run time: a lifecycle transition's
     * {@code LifecycleDefinition#auditType(state)}. Everything else passes an {@link AuditEventType}.
     */
    public static AuditEvent of(String type, String actor, String subject, Map<String, ?> details) {
        return new AuditEvent(type, null, actor, subject, json(details));
    }

    /** An event an operator or a calling peer caused, with details built by {@link AuditDetails}. */
    public static AuditEvent of(AuditEventType type, String actor, String subject, AuditDetails details) {
        return new AuditEvent(type.value(), null, actor, subject, details.asMap());
    }

    /** An event the hub's own {@code source} caused, with details built by {@link AuditDetails}. */
    public static AuditEvent of(EventSource source, AuditEventType type, String subject, AuditDetails details) {
        return new AuditEvent(type.value(), null, source.actor(), subject, details.asMap());
    }

    /** A lifecycle transition's event, with details built by {@link AuditDetails}. */
    public static AuditEvent of(String type, String actor, String subject, AuditDetails details) {
        return new AuditEvent(type, null, actor, subject, details.asMap());
    }

    /** The same event carrying an error code: {@code access.denied} says why with it. */
    public AuditEvent withCode(String errorCode) {
        return new AuditEvent(type, errorCode, actor, subject, details);
    }

    // A read-only view, so an emitter may pass the map of whatever value type it has (a reason's
    // Map<String, String>) without copying it.
    private static Map<String, Object> json(Map<String, ?> details) {
        return details == null ? Map.of() : Collections.unmodifiableMap(details);
    }
}
