-- V25 keeps sign-ins with the identity provider that are still in progress in the database
-- rather than in one replica's memory: behind a load balancer the provider's callback and the
-- CLI's redeem may land on any replica of the hub. Nothing here lets a reader finish a sign-in:
-- what is only compared is stored as its SHA-256 (the state, the nonce, the console browser's
-- cookie, the one-time code), and the PKCE verifier, which the hub must send to the provider, is
-- sealed under the key vault with AAD 'oidc_sign_in/<hex of state_digest>/verifier'. Each row is
-- used once (DELETE ... RETURNING) and the worker's token_expiry job deletes those past expiry.
CREATE TABLE oidc_sign_ins (
    state_digest    bytea       PRIMARY KEY,
    nonce_digest    bytea       NOT NULL,
    sealed_verifier bytea       NOT NULL,
    -- the CLI's loopback port and PKCE challenge; 0 and NULL for a sign-in the web console started
    port            integer     NOT NULL,
    cli_challenge   text,
    -- the SHA-256 of the sign-in cookie of the browser that started a console sign-in
    browser_digest  bytea,
    expires_at      timestamptz NOT NULL
);
CREATE INDEX oidc_sign_ins_expires_at ON oidc_sign_ins (expires_at);

-- The one-time codes the callback hands the CLI, with the identity the provider vouched for.
CREATE TABLE oidc_sign_in_codes (
    code_digest   bytea       PRIMARY KEY,
    idp_issuer    text        NOT NULL,
    idp_subject   text        NOT NULL,
    idp_groups    text[]      NOT NULL,
    roles         text[]      NOT NULL,
    cli_challenge text        NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX oidc_sign_in_codes_expires_at ON oidc_sign_in_codes (expires_at);
