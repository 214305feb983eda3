package dev.entente.lifecycle.audit;

import java.util.Map;

/**
 * An event to append: a dotted type ({@code peer.accepted}, {@code access.denied}), an optional
 * error code, who did it, what it was done to, and free-form details (snake_case keys).
 */
public record AuditEvent(String type, String code, String actor, String subject, Map<String, Object> details) {
    public AuditEvent {
        details = details == null ? Map.of() : details;
    }

    public static AuditEvent of(String type, String actor, String subject, Map<String, Object> details) {
        return new AuditEvent(type, null, actor, subject, details);
    }

    /** An event the hub's own {@code source} caused, listed by {@code entente events}. */
    public static AuditEvent of(EventSource source, String type, String subject, Map<String, Object> details) {
        return new AuditEvent(type, null, source.actor(), subject, details);
    }
}
