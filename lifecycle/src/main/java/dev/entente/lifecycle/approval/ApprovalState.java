package dev.entente.lifecycle.approval;

import dev.entente.lifecycle.engine.LifecycleState;

/**
 * Where an approval request stands, stored as its lower_snake {@link #value()}.
 *
 * <pre>
 *   pending ──APPROVE──▶ approved ──COMPLETE──▶ executed
 *      │                    └──────FAIL──────▶ failed
 *      ├──REJECT──▶ rejected
 *      └──EXPIRE──▶ expired
 * </pre>
 */
public enum ApprovalState implements LifecycleState {
    /**
     * Requested and waiting for a second operator. Left by APPROVE (another operator with the
     * approver role, before the deadline), REJECT, or EXPIRE once the deadline (4h) passed.
     */
    PENDING,
    /**
     * Approved by an operator other than the requester; the stored request is now an outbox entry
     * that one runner executes, once: the approver's call at once, or, when the hub stopped first,
     * the next start or worker run. Left by COMPLETE when the action succeeded or FAIL when it did
     * not (for an action local to this hub, in the same transaction as the action's writes).
     */
    APPROVED,
    /** The approved action ran and succeeded; its result is recorded. Terminal. */
    EXECUTED,
    /** The approved action ran and failed; the error is recorded. Terminal: request it again. */
    FAILED,
    /** An operator turned the request down, with a reason. Terminal. */
    REJECTED,
    /** Nobody decided before the deadline. Terminal: request it again. */
    EXPIRED;

    /** The state stored as {@code value}. */
    public static ApprovalState fromValue(String value) {
        return LifecycleState.fromValue(ApprovalState.class, value);
    }
}
