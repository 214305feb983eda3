-- V8 adds governance findings: what the periodic governance scan found wrong, kept so operators
-- see when a condition started and when it cleared. A condition is one open row per (code,
-- subject); when it clears the row is closed (resolved_at) and kept as history, and if the
-- condition comes back it opens a new row.
CREATE TABLE findings (
    id            uuid        PRIMARY KEY,
    code          text        NOT NULL CHECK (code ~ '^[a-z][a-z0-9_]{0,62}$'),
    -- a peer id, grant id, certificate fingerprint...; 'hub' when the finding is about the hub
    subject       text        NOT NULL,
    severity      text        NOT NULL CHECK (severity IN ('info', 'warning', 'error')),
    detail        text        NOT NULL,
    first_seen_at timestamptz NOT NULL,
    last_seen_at  timestamptz NOT NULL,
    resolved_at   timestamptz
);
-- At most one open finding per condition: two replicas scanning at once meet here, and the scan's
-- INSERT ... ON CONFLICT turns the second insert into a bump of last_seen_at.
CREATE UNIQUE INDEX findings_open ON findings (code, subject) WHERE resolved_at IS NULL;
CREATE INDEX findings_first_seen ON findings (first_seen_at);
