package dev.entente.lifecycle.audit;

/**
 * The result of walking the chain: {@code ok}, how many events were checked, and the sequence
 * number of the first event that does not verify ({@code null} when ok) with the reason.
 */
public record AuditVerification(boolean ok, long events, Long firstBroken, String reason) {
}
