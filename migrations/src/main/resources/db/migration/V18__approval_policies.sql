-- V18: approval policies an operator sets while the hub runs (issue 18). Configuration
-- (entente.approvals.policy.*) gives each action's default; a row here overrides it on every
-- replica, read per decision, and survives restarts. A temporary change carries expires_at and
-- what it replaced (reverts_*; all null when it replaced the configured default): past its
-- deadline the replaced setting is in force again, and the policy-revert job restores the row
-- and records the hub event.
CREATE TABLE approval_policies (
    action          text        PRIMARY KEY,
    policy          text        NOT NULL CHECK (policy IN ('auto', 'require_approval')),
    set_by          text        NOT NULL,
    reason          text        NOT NULL,
    set_at          timestamptz NOT NULL,
    expires_at      timestamptz,
    reverts_to      text        CHECK (reverts_to IN ('auto', 'require_approval')),
    reverts_set_by  text,
    reverts_reason  text,
    reverts_set_at  timestamptz,
    CHECK (expires_at IS NOT NULL OR reverts_to IS NULL)
);
