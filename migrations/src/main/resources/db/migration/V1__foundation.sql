-- V1 adds the foundation: the hub's identity, the key vault and its sealed keys,
-- the HMAC-chained audit log, operator tokens and the approval lifecycle's table.

-- Exactly one row: who this hub is. Later starts read it back so the id never changes.
CREATE TABLE hub (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    hub_id     text        NOT NULL CHECK (hub_id ~ '^hub_[0-9a-f]{8}$'),
    name       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Exactly one row: how the key-encryption key is derived from the passphrase.
-- check_blob is a known plaintext sealed under that key, so a wrong passphrase
-- is detected at start-up before any real key is touched.
CREATE TABLE key_vault (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    kdf         text    NOT NULL,
    salt        bytea   NOT NULL,
    memory_kib  integer NOT NULL,
    iterations  integer NOT NULL,
    parallelism integer NOT NULL,
    check_blob  bytea   NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

-- Every private or secret key the hub holds, sealed with AES-256-GCM.
-- purpose: tls | jwt | audit_hmac (later: ca, node). status: active | grace | retired.
CREATE TABLE sealed_keys (
    id            text        PRIMARY KEY,
    purpose       text        NOT NULL,
    status        text        NOT NULL CHECK (status IN ('active', 'grace', 'retired')),
    algorithm     text        NOT NULL,
    public_key    bytea,
    certificate   text,
    fingerprint   text,
    sealed_secret bytea       NOT NULL,
    not_after     timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    retired_at    timestamptz
);
-- At most one active key per purpose.
CREATE UNIQUE INDEX sealed_keys_one_active ON sealed_keys (purpose) WHERE status = 'active';

-- The audit chain. seq is gapless (taken from audit_head under a row lock), so
-- "the first broken event" is well defined; details are stored as the exact text
-- that was MACed (jsonb would reorder keys and break verification).
CREATE TABLE audit_events (
    seq       bigint      PRIMARY KEY,
    at        timestamptz NOT NULL,
    type      text        NOT NULL,
    code      text,
    actor     text        NOT NULL,
    subject   text,
    details   text        NOT NULL,
    key_id    text        NOT NULL,
    prev_hmac bytea       NOT NULL,
    hmac      bytea       NOT NULL
);
CREATE INDEX audit_events_type_at ON audit_events (type, at);
CREATE INDEX audit_events_at ON audit_events (at);

-- The chain head: appenders lock this row, so events from concurrent transactions
-- (or replicas) are chained one after another instead of forking.
CREATE TABLE audit_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    seq       bigint  NOT NULL,
    hmac      bytea   NOT NULL
);
INSERT INTO audit_head (singleton, seq, hmac) VALUES (true, 0, '\x0000000000000000000000000000000000000000000000000000000000000000');

-- Operator tokens issued by the hub: the token itself is shown once and never stored.
CREATE TABLE operator_tokens (
    jti        uuid        PRIMARY KEY,
    subject    text        NOT NULL,
    roles      text[]      NOT NULL,
    issued_by  text        NOT NULL,
    issued_at  timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL
);

-- Approval requests (the two-person rule). state is a lower_snake state name of
-- ApprovalLifecycle; version backs the optimistic check of every transition.
CREATE TABLE approvals (
    id          uuid        PRIMARY KEY,
    action      text        NOT NULL,
    requester   text        NOT NULL,
    arguments   text        NOT NULL DEFAULT '{}',
    state       text        NOT NULL,
    version     bigint      NOT NULL DEFAULT 0,
    approver    text,
    reason      text,
    result      text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX approvals_state ON approvals (state);
