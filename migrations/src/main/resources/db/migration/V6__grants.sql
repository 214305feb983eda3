-- V6 adds the grants table: one row per federation grant this hub issued to a peer, driven by
-- GrantLifecycle (pending_approval → active → expired | revoked; expired and revoked are
-- terminal). A grant lets one peer call this hub's federation API within its scopes and
-- allow-lists until expires_at. The bearer token (fg-<id>.<secret>) is shown once at issuance;
-- only the SHA-256 digest of its secret is stored here.

CREATE TABLE grants (
    id                uuid        PRIMARY KEY,
    -- The peer allowed to use the grant; a grant presented by any other peer is refused (401).
    peer_id           uuid        NOT NULL REFERENCES peers (id),
    state             text        NOT NULL CHECK (state IN ('pending_approval', 'active', 'expired', 'revoked')),
    version           bigint      NOT NULL DEFAULT 0,
    -- What the grant allows: a non-empty subset of {read, write}.
    permission_scopes text[]      NOT NULL CHECK (cardinality(permission_scopes) > 0
                                                  AND permission_scopes <@ ARRAY['read', 'write']::text[]),
    -- Allow-lists; an empty array means unrestricted in that dimension.
    instance_ids      text[]      NOT NULL DEFAULT '{}',
    network_ids       text[]      NOT NULL DEFAULT '{}',
    -- Source CIDRs (IPv4 and IPv6), stored in canonical form with an explicit prefix.
    source_cidrs      text[]      NOT NULL DEFAULT '{}',
    -- SHA-256 of the bearer token's secret (never the secret).
    secret_digest     bytea       NOT NULL CHECK (octet_length(secret_digest) = 32),
    -- Enforced at the moment of use, whether or not the expiry job has run yet.
    expires_at        timestamptz NOT NULL,
    -- The operator who issued it.
    issued_by         text,
    revoked_reason    text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- When the grant entered its current state.
    state_since       timestamptz NOT NULL DEFAULT now()
);

-- grants list --peer, and revoking every grant of a revoked peer.
CREATE INDEX grants_peer ON grants (peer_id);
-- The expiry job: WHERE state = 'active' AND expires_at <= $1.
CREATE INDEX grants_state_expires ON grants (state, expires_at);
