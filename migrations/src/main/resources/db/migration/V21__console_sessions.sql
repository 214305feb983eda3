-- V21 adds the web console's sessions (/ui). A session is found by the SHA-256 of its cookie's
-- value, never by the value itself, so reading this table (or a backup of it) gives nobody a
-- session. Each session stands on one operator token (its jti): the token's revocation or
-- expiry ends the session too. Sessions are deleted on sign-out and when found past a timeout.
CREATE TABLE console_sessions (
    id_digest        bytea       PRIMARY KEY,
    token_jti        text        NOT NULL,
    subject          text        NOT NULL,
    roles            text[]      NOT NULL,
    -- who minted the token, root first; NULL when the token predates the minted_by claim
    minted_by        text[],
    token_expires_at timestamptz NOT NULL,
    -- 'token' (pasted) or 'oidc' (the identity provider)
    signed_in_with   text        NOT NULL,
    created_at       timestamptz NOT NULL,
    last_seen_at     timestamptz NOT NULL
);
CREATE INDEX console_sessions_created_at ON console_sessions (created_at);
