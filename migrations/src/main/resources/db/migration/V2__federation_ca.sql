-- V2 adds the federation CA: which sealed key signs and which two keys are trusted during a
-- rotation (so a hub restarted mid-rotation resumes with the same keys), and a record of every
-- node certificate the CA issues (peer mapping for mTLS, revocation, laggard queries).

-- One row per CA type. The private keys live in sealed_keys (purpose 'ca_federation'), where
-- status mirrors this row: the signing key is 'active', the other trusted key (the standby of a
-- rotation) is 'grace', keys that left the trust bundle are 'retired'.
-- old_key_id / new_key_id are both set while a rotation holds two keys, both null otherwise;
-- signing_key_id is then one of them (the old one in init and after a rollback, the new one
-- from update_clients on).
CREATE TABLE certificate_authorities (
    ca_type             text        PRIMARY KEY CHECK (ca_type IN ('federation')),
    hub_id              text        NOT NULL,
    signing_key_id      text        NOT NULL REFERENCES sealed_keys (id),
    old_key_id          text        REFERENCES sealed_keys (id),
    new_key_id          text        REFERENCES sealed_keys (id),
    rotation_started_at timestamptz,
    version             bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    CHECK ((old_key_id IS NULL) = (new_key_id IS NULL)),
    CHECK ((old_key_id IS NULL) = (rotation_started_at IS NULL)),
    CHECK (old_key_id IS NULL OR old_key_id <> new_key_id),
    CHECK (old_key_id IS NULL OR signing_key_id IN (old_key_id, new_key_id))
);

-- Every certificate the CA issued. serial is lower-case hex of the random 128-bit serial;
-- fingerprint is SHA-256 of the DER (what the mTLS layer looks a client certificate up by);
-- signer_fingerprint is the CA certificate's fingerprint, which the rotation's laggard guard
-- queries. peer_id has no foreign key: peers live in the federation module's tables.
CREATE TABLE issued_certificates (
    serial             text        PRIMARY KEY CHECK (serial ~ '^[0-9a-f]{1,40}$'),
    fingerprint        text        NOT NULL UNIQUE CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    ca_type            text        NOT NULL DEFAULT 'federation',
    peer_id            text        NOT NULL,
    subject            text        NOT NULL,
    signer_fingerprint text        NOT NULL,
    not_before         timestamptz NOT NULL,
    not_after          timestamptz NOT NULL CHECK (not_after > not_before),
    certificate        text        NOT NULL,
    revoked_at         timestamptz,
    revocation_reason  text,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CHECK ((revoked_at IS NULL) = (revocation_reason IS NULL))
);
-- Laggards: live certificates under one CA key (partial: revoked rows never match).
CREATE INDEX issued_certificates_live_by_signer ON issued_certificates (signer_fingerprint, not_after)
    WHERE revoked_at IS NULL;
-- A peer's certificates, newest last (listing, revoke-all on peer revocation).
CREATE INDEX issued_certificates_by_peer ON issued_certificates (peer_id, created_at);
