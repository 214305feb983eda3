-- V15: one-time re-enrolment tokens (issue 13). A peer offline longer than its node certificate's
-- lifetime, or skipped by a forced CA rotation, cannot renew over mTLS any more; an operator
-- mints a token for that peer and its hub trades it, together with proof of its old node key,
-- for fresh node certificates. Only the token's SHA-256 is kept; used_at makes it single use.
CREATE TABLE reenrolment_tokens (
    jti          uuid        PRIMARY KEY,
    peer_id      uuid        NOT NULL REFERENCES peers (id) ON DELETE CASCADE,
    token_digest bytea       NOT NULL CHECK (octet_length(token_digest) = 32),
    expires_at   timestamptz NOT NULL,
    issued_by    text        NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now(),
    used_at      timestamptz
);
CREATE INDEX reenrolment_tokens_peer ON reenrolment_tokens (peer_id);
