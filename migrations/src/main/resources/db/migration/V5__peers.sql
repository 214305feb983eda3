-- V5 adds the peers table: one row per remote hub this hub federates with, driven by
-- PeerLifecycle (proposed → accepted → enrolled → active ⇄ degraded, suspended, revoked).
-- state is a lower_snake state name; version backs the optimistic check of every transition.

CREATE TABLE peers (
    id                           uuid        PRIMARY KEY,
    -- The operator's name for the peer (1-63 chars, [a-z0-9][a-z0-9-]*).
    name                         text        NOT NULL CHECK (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    -- The remote hub's own id (hub_xxxxxxxx); unknown until the handshake tells us.
    hub_id                       text,
    -- The remote hub's public URL.
    url                          text,
    state                        text        NOT NULL CHECK (state IN ('proposed', 'accepted', 'enrolled',
                                                 'active', 'degraded', 'suspended', 'revoked')),
    version                      bigint      NOT NULL DEFAULT 0,
    -- SHA-256 of the acceptance token (never the token). Cleared by ACCEPT: single use.
    token_digest                 bytea       CHECK (token_digest IS NULL OR octet_length(token_digest) = 32),
    token_jti                    uuid,
    token_expires_at             timestamptz,
    -- SHA-256 fingerprints of the remote hub's TLS certificates we pin (old + new in a rotation grace).
    pinned_fingerprints          text[]      NOT NULL DEFAULT '{}',
    last_heartbeat_at            timestamptz,
    degraded_reason              text,
    suspended_reason             text,
    revoked_reason               text,
    -- What the last heartbeat told us about the remote hub.
    last_clock_skew_ms           bigint,
    remote_protocol_version      integer,
    remote_ca_phase              text,
    -- Outbound (sent, failed) and inbound (received) heartbeat counters.
    heartbeats_sent              bigint      NOT NULL DEFAULT 0,
    heartbeats_received          bigint      NOT NULL DEFAULT 0,
    heartbeats_failed            bigint      NOT NULL DEFAULT 0,
    last_heartbeat_error         text,
    -- OUR node certificate for the peer, issued by our federation CA (the peer's client cert here).
    node_cert_serial             text,
    node_cert_not_after          timestamptz,
    node_cert_signer_fingerprint text,
    -- The client certificate the peer's CA issued to us, and the id of its sealed private key:
    -- the other half of ENROLL.
    client_cert_pem              text,
    client_key_id                text,
    created_at                   timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now(),
    -- When the peer entered its current state (doctor: stuck in accepted, degraded > 24h).
    state_since                  timestamptz NOT NULL DEFAULT now()
);

-- Names and hub ids are unique among live peers; a revoked peer frees both, so a hub can be
-- linked again after a revoke without renaming history.
CREATE UNIQUE INDEX peers_name_live ON peers (name) WHERE state <> 'revoked';
CREATE UNIQUE INDEX peers_hub_id_live ON peers (hub_id) WHERE state <> 'revoked' AND hub_id IS NOT NULL;
-- Lookups by the remote hub's id (including revoked peers, for the audit trail).
CREATE INDEX peers_hub_id ON peers (hub_id);
-- The stale sweep: WHERE state = 'active' AND last_heartbeat_at < $1 ORDER BY last_heartbeat_at.
CREATE INDEX peers_state_heartbeat ON peers (state, last_heartbeat_at);
