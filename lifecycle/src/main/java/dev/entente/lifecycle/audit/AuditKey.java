package dev.entente.lifecycle.audit;

/** One HMAC key of the audit chain; the id is stored with every event it signed. */
public record AuditKey(String id, byte[] secret) {
}
