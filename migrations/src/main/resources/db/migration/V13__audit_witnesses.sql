-- V13 anchors the audit chain's head outside this database (issue 11). Cutting the last events
-- and rewriting audit_head leaves a chain that verifies on its own; these two tables hold what
-- linked peers say about heads, so a cut tail no longer goes unnoticed. The hub also writes its
-- own signed head to <data-dir>/audit-head.json (not a table: the database is what is attacked).

-- Heads of peers' audit chains this hub has witnessed, one row per peer, written only by
-- AuditWitnessing when a peer's heartbeat carries a signed head. anchor_key is the peer's
-- head-signing public key (Ed25519, SPKI), pinned at the first heartbeat that carried it: a
-- later head under another key is refused. The row only moves forward along the peer's chain
-- (the peer proves its event at seq still has hmac before seq may advance), so it keeps what the
-- peer had before a truncation and tells the peer so in every heartbeat answer.
CREATE TABLE peer_audit_heads (
    peer_id      uuid        PRIMARY KEY REFERENCES peers (id) ON DELETE CASCADE,
    anchor_key   bytea       NOT NULL,
    seq          bigint      NOT NULL CHECK (seq >= 0),
    hmac         bytea       NOT NULL,
    signed_at    timestamptz NOT NULL,
    signature    bytea       NOT NULL,
    witnessed_at timestamptz NOT NULL
);

-- Heads of this hub's chain that peers vouch for, one row per peer: the highest head the peer
-- holds (signed by this hub) and the peer's countersignature over it. Written only by
-- AuditWitnessing from heartbeat answers; audit verify compares the chain with every row.
-- witness_key is the peer's head-signing key, pinned like peer_audit_heads.anchor_key.
CREATE TABLE audit_witnesses (
    peer_id        uuid        PRIMARY KEY REFERENCES peers (id) ON DELETE CASCADE,
    witness_hub_id text        NOT NULL,
    witness_key    bytea       NOT NULL,
    seq            bigint      NOT NULL CHECK (seq >= 0),
    hmac           bytea       NOT NULL,
    signed_at      timestamptz NOT NULL,
    signature      bytea       NOT NULL,
    countersig     bytea       NOT NULL,
    witnessed_at   timestamptz NOT NULL
);
