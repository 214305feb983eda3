package dev.entente.heartbeat.expiry;

import java.time.Instant;

/** Approval requests past their expiry become expired (the approval gate implements it). */
@FunctionalInterface
public interface ApprovalExpiry {
    /** @return how many requests expired at {@code now} */
    int expireDue(Instant now);
}
