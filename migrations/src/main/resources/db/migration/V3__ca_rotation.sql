-- V3 adds the CA rotation lifecycle's own row per CA type. It is kept apart from
-- certificate_authorities (which records which keys exist and sign) so that the lifecycle
-- engine's optimistic version and the key bookkeeping never fight over one counter.
CREATE TABLE ca_rotations (
    ca_type     text        PRIMARY KEY CHECK (ca_type IN ('federation')),
    state       text        NOT NULL DEFAULT 'standby',
    version     bigint      NOT NULL DEFAULT 0,
    forced      boolean     NOT NULL DEFAULT false,
    state_since timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO ca_rotations (ca_type) VALUES ('federation');
