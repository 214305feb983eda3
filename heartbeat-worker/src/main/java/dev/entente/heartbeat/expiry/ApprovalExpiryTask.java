package dev.entente.heartbeat.expiry;

import dev.entente.heartbeat.schedule.Task;

import java.time.Instant;

/**
 * Expires pending approval requests past their deadline. The gate re-checks each request's
 * deadline and state itself, so a double run expires nothing twice.
 */
public final class ApprovalExpiryTask implements Task {
    public static final String NAME = "approval_expiry";
    private final ApprovalExpiry approvals;

    public ApprovalExpiryTask(ApprovalExpiry approvals) {
        this.approvals = approvals;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant now) {
        approvals.expireDue(now);
    }
}
