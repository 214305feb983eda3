package dev.entente.heartbeat.scan;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * One row of {@code findings}: a condition the governance scan saw, open while
 * {@code resolvedAt} is null.
 *
 * @param id          the finding
 * @param code        one of {@link FindingsScanner#CODES}, e.g. {@code grant_expiring}
 * @param subject     what it is about: a peer id, a grant id, a certificate fingerprint, or {@code hub}
 * @param severity    {@code info}, {@code warning} or {@code error}, as last seen
 * @param detail      one sentence, as last seen
 * @param firstSeenAt the scan that opened it
 * @param lastSeenAt  the latest scan that still saw the condition
 * @param resolvedAt  the scan that no longer saw it; null while open
 */
public record StoredFinding(UUID id, String code, String subject, String severity, String detail,
                            Instant firstSeenAt, Instant lastSeenAt, Instant resolvedAt) {

    /** The API's and CLI's snake_case form, keys in a fixed order. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id.toString());
        m.put("code", code);
        m.put("subject", subject);
        m.put("severity", severity);
        m.put("detail", detail);
        m.put("first_seen_at", firstSeenAt.toString());
        m.put("last_seen_at", lastSeenAt.toString());
        m.put("resolved_at", resolvedAt == null ? null : resolvedAt.toString());
        return m;
    }
}
