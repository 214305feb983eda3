package dev.entente.lifecycle.audit;

import java.time.Instant;

/** A stored audit event, as listed by {@code entente audit ls}. */
public record AuditRecord(long seq, Instant at, String type, String code, String actor, String subject,
                          String details, String keyId) {
}
