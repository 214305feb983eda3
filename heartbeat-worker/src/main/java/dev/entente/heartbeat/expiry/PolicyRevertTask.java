package dev.entente.heartbeat.expiry;

import dev.entente.federation.approval.ApprovalPolicies;
import dev.entente.heartbeat.schedule.Task;

import java.time.Clock;
import java.time.Instant;

/**
 * Ends temporary approval policies at their deadline ({@code approvals policy set --for}),
 * recording a hub event for each. The policy in force already changed at the deadline (it is
 * judged against the time); this puts the replaced setting back in its row. It cannot be
 * paused: pausing automation during a repair must not keep a lowered policy in force.
 */
public final class PolicyRevertTask implements Task {
    public static final String NAME = "policy_revert";
    private final ApprovalPolicies policies;
    private final Clock clock;

    /** @param clock the hub's clock, which set the deadlines; not the scheduler's fire time */
    public PolicyRevertTask(ApprovalPolicies policies, Clock clock) {
        this.policies = policies;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant firedAt) {
        policies.revertDue(clock.instant());
    }

    @Override
    public boolean pausable() {
        return false;
    }
}
