package dev.entente.lifecycle.approval;

/** What can happen to an approval request. */
public enum ApprovalEvent {
    /** A second operator with the approver role agrees. */
    APPROVE,
    /** An operator turns the request down. */
    REJECT,
    /** The deadline passed with no decision (the sweeper, or lazily on use). */
    EXPIRE,
    /** The approved action ran and succeeded. */
    COMPLETE,
    /** The approved action ran and failed. */
    FAIL
}
