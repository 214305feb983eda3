-- V19: paused automation (issue 18). A row pauses one worker job, or every pausable job when
-- job is '*'; every replica and 'entente worker' read it before each firing and record a skipped
-- run as outcome 'paused' in worker_runs. A pause with an until ends by itself then; the
-- pause-expiry job deletes the row and records the hub event.
CREATE TABLE worker_pauses (
    job       text        PRIMARY KEY,
    paused_by text        NOT NULL,
    reason    text        NOT NULL,
    paused_at timestamptz NOT NULL,
    until     timestamptz
);

ALTER TABLE worker_runs DROP CONSTRAINT worker_runs_last_outcome_check;
ALTER TABLE worker_runs ADD CONSTRAINT worker_runs_last_outcome_check
    CHECK (last_outcome IN ('ok', 'failed', 'unregistered', 'paused'));
