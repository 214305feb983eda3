package dev.entente.lifecycle.audit;

/**
 * The result of walking the chain: {@code ok}, how many events were checked, and the sequence
 * number of the first event that does not verify ({@code null} when ok) with the reason. When the
 * chain verifies on its own but an anchored head outside the database says it was longer (or
 * different), {@code truncated} names that head and who anchored it.
 */
public record AuditVerification(boolean ok, long events, Long firstBroken, String reason, Truncation truncated) {
    public AuditVerification(boolean ok, long events, Long firstBroken, String reason) {
        this(ok, events, firstBroken, reason, null);
    }

    /**
     * The chain is shorter than, or differs at, a head anchored outside the database:
     * {@code anchoredSeq} from {@code witness} ({@code local file} or {@code peer hub_xxx}),
     * {@code dbSeq} the events the database still holds.
     */
    public record Truncation(long anchoredSeq, long dbSeq, String witness) {
    }
}
