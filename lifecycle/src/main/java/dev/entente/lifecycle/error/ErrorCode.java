package dev.entente.lifecycle.error;

/**
 * Every error Entente reports, once. A code is stable and never reused: operators grep for it,
 * scripts match on it, and each points at the runbook section that explains it.
 *
 * <p>Each code is spelled out in its declaration, never derived from the constant's name: renaming
 * a constant must not change the wire. The runbook anchor is {@code runbooks/<file>.md#<code>}; a
 * spec fails when a code has no section there, and another when a shipped code disappears or
 * changes ({@code docs/codes.txt}).
 */
public enum ErrorCode implements PublicCode {
    // --- requests and the admin API ---
    /** The request body or a parameter is malformed or fails validation. */
    INVALID_REQUEST("invalid_request", 400, "invalid request", Runbook.OPERATORS),
    /** No such route or entity. */
    NOT_FOUND("not_found", 404, "not found", Runbook.OPERATORS),
    /** The route exists but not for this HTTP method. */
    METHOD_NOT_ALLOWED("method_not_allowed", 405, "method not allowed", Runbook.OPERATORS),
    /** The body is not JSON. */
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type", 415, "unsupported media type", Runbook.OPERATORS),
    /** The Accept header asks for a type the route cannot produce (JSON or problem+json). */
    NOT_ACCEPTABLE("not_acceptable", 406, "no acceptable response type", Runbook.OPERATORS),
    /** The body is larger than micronaut.server.max-request-size (1MB). */
    REQUEST_TOO_LARGE("request_too_large", 413, "request body too large", Runbook.OPERATORS),
    /** The request line (path and query) is longer than the hub reads. */
    URI_TOO_LONG("uri_too_long", 414, "request URI too long", Runbook.OPERATORS),
    /** The request's headers together are larger than the hub accepts (a bearer token pasted twice, a cookie jar). */
    REQUEST_HEADERS_TOO_LARGE("request_headers_too_large", 431, "request headers too large", Runbook.OPERATORS),
    /** Anything unexpected: the detail never carries a stack trace; the hub log does. */
    INTERNAL_ERROR("internal_error", 500, "internal error", Runbook.OPERATORS),

    // --- operator authentication ---
    /** No bearer token on an admin API call. */
    AUTH_TOKEN_MISSING("auth_token_missing", 401, "operator token missing", Runbook.OPERATORS),
    /** The bearer token is not a compact JWS with a JSON header and claims. */
    AUTH_TOKEN_MALFORMED("auth_token_malformed", 401, "operator token malformed", Runbook.OPERATORS),
    /** The token's alg is not on the allow-list (EdDSA only); none and HS* land here. */
    AUTH_TOKEN_ALG_FORBIDDEN("auth_token_alg_forbidden", 401, "operator token algorithm forbidden", Runbook.OPERATORS),
    /** The signature does not verify under this hub's operator-token key. */
    AUTH_TOKEN_SIGNATURE_INVALID("auth_token_signature_invalid", 401, "operator token signature invalid", Runbook.OPERATORS),
    /** The token's exp is in the past (beyond the allowed clock skew). */
    AUTH_TOKEN_EXPIRED("auth_token_expired", 401, "operator token expired", Runbook.OPERATORS),
    /** The token's nbf/iat is in the future (beyond the allowed clock skew). */
    AUTH_TOKEN_NOT_YET_VALID("auth_token_not_yet_valid", 401, "operator token not yet valid", Runbook.OPERATORS),
    /** The token was issued by another hub or for another audience. */
    AUTH_TOKEN_WRONG_HUB("auth_token_wrong_hub", 401, "operator token issued for another hub", Runbook.OPERATORS),
    /** Authenticated, but no role of the token allows this call. */
    AUTH_ROLE_FORBIDDEN("auth_role_forbidden", 403, "role does not allow this action", Runbook.OPERATORS),
    // --- operator token revocation (issue 14) ---
    /** The token verifies but an admin revoked it ({@code entente operators token revoke}). */
    OPERATOR_TOKEN_REVOKED("operator_token_revoked", 401, "operator token revoked", Runbook.OPERATORS),
    // --- single sign-on (issue 16) ---
    /** {@code entente.auth.local-tokens} is false and the token is neither a sign-in session nor {@code admin.token}. */
    AUTH_LOCAL_TOKENS_DISABLED("auth_local_tokens_disabled", 401, "local operator tokens disabled", Runbook.OPERATORS),
    /** A sign-in route was called on a hub without {@code entente.oidc.issuer}. */
    OIDC_NOT_CONFIGURED("oidc_not_configured", 404, "sign-in with an identity provider not configured", Runbook.OPERATORS),
    /** The identity provider's discovery document, keys or token endpoint did not answer as OpenID Connect requires. */
    OIDC_PROVIDER_UNAVAILABLE("oidc_provider_unavailable", 502, "identity provider unavailable", Runbook.OPERATORS),
    /** A sign-in's state or one-time code is unknown, expired, already used, or its verifier does not match. */
    OIDC_LOGIN_UNKNOWN("oidc_login_unknown", 400, "sign-in unknown or expired", Runbook.OPERATORS),
    /** The identity provider's ID token failed a check: signature, algorithm, issuer, audience, times or nonce. */
    OIDC_ID_TOKEN_REFUSED("oidc_id_token_refused", 401, "ID token refused", Runbook.OPERATORS),
    /** The signed-in identity carries no group that {@code entente.oidc.groups-to-roles} maps to a role. */
    OIDC_NO_ROLE("oidc_no_role", 403, "no group of the identity maps to a role", Runbook.OPERATORS),
    // --- web console (issue 16) ---
    /** A console page or form was asked for without a console session, or after the session ended (idle or absolute timeout, sign-out, token revoked or expired). */
    CONSOLE_SESSION_REQUIRED("console_session_required", 401, "console session missing or ended", Runbook.OPERATORS),
    /** A console form arrived without the form token of the session that sent it, or with another one. */
    CONSOLE_CSRF_INVALID("console_csrf_invalid", 403, "console form token missing or wrong", Runbook.OPERATORS),

    // --- lifecycles ---
    /** The entity's current state does not accept the event. */
    TRANSITION_REJECTED("transition_rejected", 409, "transition rejected", Runbook.OPERATORS),
    /** Another transition of the same entity committed first; retry. */
    CONFLICT("conflict", 409, "concurrent change", Runbook.OPERATORS),

    // --- CA rotation ---
    /** Advancing out of update_clients while peers still hold certificates under the old key. */
    ROTATION_LAGGARDS("rotation_laggards", 409, "peers still on the old CA key", Runbook.ROTATION),
    /** A rotation move named a phase the rotation has already left (a repeated or concurrent move). */
    ROTATION_PHASE_CHANGED("rotation_phase_changed", 409, "CA rotation phase changed", Runbook.ROTATION),

    // --- approvals ---
    /** The approver is the requester: the two-person rule needs someone else. */
    APPROVAL_SELF_FORBIDDEN("approval_self_forbidden", 403, "approver must not be the requester", Runbook.APPROVALS),
    /** The approver does not hold the approver role. */
    APPROVAL_ROLE_REQUIRED("approval_role_required", 403, "approver role required", Runbook.APPROVALS),
    /** The request passed its timeout before anyone decided. */
    APPROVAL_EXPIRED("approval_expired", 409, "approval request expired", Runbook.APPROVALS),
    /** Someone other than the requester tried to collect an approved request's secret result. */
    APPROVAL_REQUESTER_ONLY("approval_requester_only", 403, "only the requester may collect", Runbook.APPROVALS),
    /** Nothing to collect: the request is not executed yet, or its secret result was already collected. */
    APPROVAL_RESULT_UNAVAILABLE("approval_result_unavailable", 409, "approval result not available", Runbook.APPROVALS),
    /** A policy change names an action no policy exists for, or a policy other than auto and require_approval. */
    APPROVAL_POLICY_INVALID("approval_policy_invalid", 400, "approval policy change not valid", Runbook.APPROVALS),
    /** A pause or resume names a job the worker does not have (or one that cannot be paused); the detail lists the valid names. */
    WORKER_JOB_UNKNOWN("worker_job_unknown", 400, "no such worker job", Runbook.PEERS),

    // --- acceptance tokens (the federation handshake) ---
    /** The presented acceptance token's digest is not the one stored for the peer (wrong, forged or replaced token). */
    ACCEPTANCE_TOKEN_MISMATCH("acceptance_token_mismatch", 401, "acceptance token does not match", Runbook.TOKENS),
    /** The acceptance token's expiry has passed; the proposing hub issues a new one. */
    ACCEPTANCE_TOKEN_EXPIRED("acceptance_token_expired", 401, "acceptance token expired", Runbook.TOKENS),
    /** The peer has no acceptance token to check against (or none was presented) and drill mode is off. */
    ACCEPTANCE_TOKEN_REQUIRED("acceptance_token_required", 401, "acceptance token required", Runbook.TOKENS),
    /** A new acceptance token can only replace the token of a peer that is still proposed. */
    ACCEPTANCE_TOKEN_NOT_REPLACEABLE("acceptance_token_not_replaceable", 409, "acceptance token cannot be replaced", Runbook.TOKENS),

    // --- peers ---
    /** The peer name is not 1-63 characters of [a-z0-9-] starting with a letter or digit. */
    PEER_NAME_INVALID("peer_name_invalid", 400, "invalid peer name", Runbook.PEERS),
    /** Another peer that is not revoked already has this name. */
    PEER_NAME_TAKEN("peer_name_taken", 409, "peer name taken", Runbook.PEERS),
    /** Another peer that is not revoked already links to this remote hub id. */
    PEER_HUB_ID_TAKEN("peer_hub_id_taken", 409, "remote hub already linked", Runbook.PEERS),
    /** ENROLL needs both halves: our node cert for the peer and the peer's client cert and key for us. */
    PEER_ENROLLMENT_INCOMPLETE("peer_enrollment_incomplete", 409, "peer enrollment incomplete", Runbook.PEERS),
    /** Suspending or revoking a peer needs a reason, recorded on the peer and in the audit log. */
    PEER_REASON_REQUIRED("peer_reason_required", 400, "reason required", Runbook.PEERS),
    /** The peer's last heartbeat is within stale-after, so it cannot be marked degraded. */
    PEER_NOT_STALE("peer_not_stale", 409, "peer heartbeat is not overdue", Runbook.PEERS),
    /** A peer URL that is not an absolute https URL with a host (and no user info, query or fragment). */
    PEER_URL_INVALID("peer_url_invalid", 400, "invalid peer URL", Runbook.PEERS),

    // --- the federation handshake (acceptance tokens) ---
    /** The acceptance token is not a compact JWS with the expected claims. */
    ACCEPTANCE_TOKEN_MALFORMED("acceptance_token_malformed", 400, "acceptance token malformed", Runbook.TOKENS),
    /** The acceptance token's alg is not EdDSA; none and HS* are refused before any signature work. */
    ACCEPTANCE_TOKEN_ALG_FORBIDDEN("acceptance_token_alg_forbidden", 401, "acceptance token algorithm forbidden", Runbook.TOKENS),
    /** The acceptance token's signature does not verify under this hub's key. */
    ACCEPTANCE_TOKEN_SIGNATURE_INVALID("acceptance_token_signature_invalid", 401, "acceptance token signature invalid", Runbook.TOKENS),
    /** The acceptance token's aud is not entente-federation. */
    ACCEPTANCE_TOKEN_WRONG_AUDIENCE("acceptance_token_wrong_audience", 401, "acceptance token for another audience", Runbook.TOKENS),
    /** The acceptance token was issued by another hub than the one it was presented to. */
    ACCEPTANCE_TOKEN_WRONG_HUB("acceptance_token_wrong_hub", 401, "acceptance token issued by another hub", Runbook.TOKENS),
    /** The token's iat/nbf is in the future beyond the allowed clock skew. */
    TOKEN_NOT_YET_VALID("token_not_yet_valid", 401, "token not yet valid (clock skew?)", Runbook.TOKENS),
    /** The acceptance token was already used: tokens are single-use. */
    ACCEPTANCE_TOKEN_USED("acceptance_token_used", 409, "acceptance token already used", Runbook.TOKENS),
    /** The proposing hub's TLS certificate does not match the fingerprint in the token; nothing was sent. */
    HANDSHAKE_FINGERPRINT_MISMATCH("handshake_fingerprint_mismatch", 502, "proposing hub's TLS fingerprint does not match the token", Runbook.TOKENS),
    /** The other hub answered the handshake with an error (its problem is attached). */
    HANDSHAKE_REJECTED("handshake_rejected", 502, "the other hub refused the handshake", Runbook.TOKENS),
    /**
     * The proposing hub could not call the accepting hub back at the public URL it announced; the
     * token was not used. The accepting hub's public URL is wrong, or the path is one-way.
     */
    HANDSHAKE_RETURN_PATH_FAILED("handshake_return_path_failed", 502, "the proposing hub cannot reach this hub's public URL", Runbook.TOKENS),

    // --- peers, mTLS, heartbeats ---
    /** The other hub cannot be reached (refused, timed out, no route). */
    PEER_UNREACHABLE("peer_unreachable", 502, "peer unreachable", Runbook.PEERS),
    /** A federation API call came without a client certificate. */
    PEER_CERT_REQUIRED("peer_cert_required", 401, "client certificate required", Runbook.PEERS),
    /** The calling peer is suspended: trust material kept, calls refused until resumed. */
    PEER_SUSPENDED("peer_suspended", 401, "peer suspended", Runbook.PEERS),
    /** The calling peer is revoked: terminal. */
    PEER_REVOKED("peer_revoked", 401, "peer revoked", Runbook.PEERS),
    /** The peer speaks another federation protocol version. */
    PROTOCOL_VERSION_MISMATCH("protocol_version_mismatch", 409, "federation protocol version mismatch", Runbook.PEERS),
    /** A client certificate without its key, or a key without its certificate: never downgraded to plaintext. */
    MTLS_CONFIG_PARTIAL("mtls_config_partial", 503, "partial mTLS configuration", Runbook.TLS),

    // --- grants and the federation API (401: who you are; 403: what the grant allows) ---
    /** The grant bearer token is not of the form fg-&lt;grant-uuid&gt;.&lt;secret&gt;. */
    GRANT_TOKEN_MALFORMED("grant_token_malformed", 401, "grant token malformed", Runbook.GRANTS),
    /** No grant has this id, or the token's secret does not match it: deliberately not saying which. */
    GRANT_UNKNOWN("grant_unknown", 401, "grant unknown", Runbook.GRANTS),
    /** The grant is valid but was issued to another peer than the one calling. */
    GRANT_PEER_MISMATCH("grant_peer_mismatch", 401, "grant issued to another peer", Runbook.GRANTS),
    /** The grant's expires_at has passed (enforced at the moment of use, whether or not the expiry job ran). */
    GRANT_EXPIRED("grant_expired", 403, "grant expired", Runbook.GRANTS),
    /** The grant was revoked by an operator, or with its peer. */
    GRANT_REVOKED("grant_revoked", 403, "grant revoked", Runbook.GRANTS),
    /**
     * No longer emitted (issue 12): grants have no pending state, the approval request waits
     * instead. Kept so the code is never reused for something else.
     */
    GRANT_PENDING_APPROVAL("grant_pending_approval", 403, "grant pending approval", Runbook.GRANTS),
    /** The call's instance, network or source IP is outside the grant's allow-lists; the detail says which. */
    GRANT_SCOPE_MISMATCH("grant_scope_mismatch", 403, "grant does not cover this instance, network or source", Runbook.GRANTS),
    /** The call needs a permission the grant lacks (write with a read grant). */
    GRANT_PERMISSION_INSUFFICIENT("grant_permission_insufficient", 403, "grant permission insufficient", Runbook.GRANTS),
    /** Expiring a grant before its expires_at: the expiry job re-checks and leaves it active. */
    GRANT_NOT_EXPIRED("grant_not_expired", 409, "grant has not reached its expiry", Runbook.GRANTS),


    /** The key passphrase does not open this hub's key vault. */
    KEY_PASSPHRASE_INVALID("key_passphrase_invalid", 503, "key passphrase does not open the key vault", Runbook.STARTUP),
    /** A sealed key failed to open (tampered or from another vault). */
    KEY_MATERIAL_CORRUPT("key_material_corrupt", 503, "sealed key material cannot be opened", Runbook.STARTUP),
    /** The data directory cannot be created, read or written. */
    DATA_DIR_UNUSABLE("data_dir_unusable", 503, "data directory unusable", Runbook.STARTUP),
    /** Another running hub holds this data directory. */
    DATA_DIR_LOCKED("data_dir_locked", 409, "data directory in use by another hub", Runbook.STARTUP),
    /** The hub's port is held by another process. */
    PORT_IN_USE("port_in_use", 503, "port already in use", Runbook.STARTUP),
    /** The CLI could not reach the hub (refused, timed out, or no such host). */
    HUB_UNREACHABLE("hub_unreachable", 503, "hub unreachable", Runbook.STARTUP),
    /** {@code entente stop}: no process holds the data directory's lock, so no hub runs on it. */
    HUB_NOT_RUNNING("hub_not_running", 404, "no hub runs on this data directory", Runbook.STARTUP),
    /** {@code entente stop}: the process holding the data directory is not an Entente hub; nothing was signalled. */
    HUB_PROCESS_NOT_ENTENTE("hub_process_not_entente", 409, "process holding the data directory is not an Entente hub", Runbook.STARTUP),
    /** {@code entente stop}: the hub did not exit within the timeout after SIGTERM (and no --force). */
    HUB_STOP_TIMED_OUT("hub_stop_timed_out", 504, "hub did not stop in time", Runbook.STARTUP),
    /** {@code entente start --background}: the detached hub exited, or did not answer /healthz in time. */
    HUB_START_FAILED("hub_start_failed", 503, "background hub did not come up", Runbook.STARTUP),
    /** {@code start}, {@code worker}, {@code stop} or {@code restore} on an installation that has only the client. */
    SERVER_PART_MISSING("server_part_missing", 503, "server part of Entente not installed", Runbook.STARTUP),
    /** The CLI has no operator credential: no admin.token and no ENTENTE_TOKEN. */
    CREDENTIAL_MISSING("credential_missing", 401, "no operator credential", Runbook.STARTUP),
    /** The embedded PostgreSQL could not be started or stopped. */
    EMBEDDED_DATABASE_FAILED("embedded_database_failed", 503, "embedded database failed", Runbook.DATABASE),

    // --- database ---
    /** The hub cannot reach PostgreSQL. */
    DATABASE_UNREACHABLE("database_unreachable", 503, "database unreachable", Runbook.DATABASE),

    // --- backup and restore ---
    /** The backup file is not an Entente backup, is truncated, or an entry does not match its manifest checksum. */
    BACKUP_CORRUPT("backup_corrupt", 422, "backup file corrupt", Runbook.DATABASE),
    /** The backup was taken by a newer hub: its schema has migrations this binary does not know. */
    BACKUP_SCHEMA_TOO_NEW("backup_schema_too_new", 409, "backup schema newer than this binary", Runbook.DATABASE),
    /** The backup file (or its temporary spool on the hub) cannot be written. */
    BACKUP_WRITE_FAILED("backup_write_failed", 503, "backup cannot be written", Runbook.DATABASE),
    /** A restore only goes into an empty or new data directory; it never merges into a hub. */
    RESTORE_TARGET_NOT_EMPTY("restore_target_not_empty", 409, "restore target not empty", Runbook.DATABASE),
    /** A restore needs the key passphrase of the backed-up hub: ENTENTE_KEY_PASSPHRASE or --passphrase-file. */
    RESTORE_PASSPHRASE_MISSING("restore_passphrase_missing", 400, "key passphrase required to restore", Runbook.DATABASE),

    // --- TLS ---
    /** The server's TLS certificate is not the pinned one. */
    TLS_PIN_MISMATCH("tls_pin_mismatch", 502, "TLS certificate does not match the pinned fingerprint", Runbook.TLS),
    /** The TLS handshake failed (protocol, cipher, or certificate). */
    TLS_HANDSHAKE_FAILED("tls_handshake_failed", 502, "TLS handshake failed", Runbook.TLS),
    /**
     * The certificate or key named by {@code entente.tls.cert-file}/{@code key-file} (or the ACME
     * settings) cannot be served: unreadable, not matching, without the hub's name, or of a key type
     * TLS 1.3 here does not take. Stops the start; on a reload the served certificate stays.
     */
    TLS_CERTIFICATE_UNUSABLE("tls_certificate_unusable", 503, "hub TLS certificate or key unusable", Runbook.TLS),

    // --- federation CA: certificate signing requests (handshake and renewal) ---
    /** The bytes are not a PKCS#10 certificate signing request (PEM or DER). */
    CSR_MALFORMED("csr_malformed", 400, "certificate signing request malformed", Runbook.PEERS),
    /** The CSR's self-signature does not verify under the key it carries (tampered or mis-built). */
    CSR_SIGNATURE_INVALID("csr_signature_invalid", 422, "certificate signing request signature invalid", Runbook.PEERS),
    /** The CSR's key is of an allowed type but too small (e.g. RSA below 3072 bits). */
    CSR_KEY_WEAK("csr_key_weak", 422, "certificate signing request key too weak", Runbook.PEERS),
    /** The CSR's key type or curve is not on the allow-list (Ed25519, ECDSA P-256/P-384, RSA >= 3072). */
    CSR_KEY_UNSUPPORTED("csr_key_unsupported", 422, "certificate signing request key type not supported", Runbook.PEERS),
    /** The CSR asks for basicConstraints CA:true; the federation CA only issues leaf certificates. */
    CSR_CA_REQUESTED("csr_ca_requested", 422, "certificate signing request asks for a CA certificate", Runbook.PEERS),

    // --- federation CA: keys and rotation ---
    /** The signing CA certificate has expired, so no node certificate can be issued under it. */
    CA_CERTIFICATE_EXPIRED("ca_certificate_expired", 503, "federation CA certificate expired", Runbook.ROTATION),
    /** A CA key move (start, switch, drop, roll back, discard) does not fit the keys' current arrangement. */
    CA_ROTATION_STEP_REJECTED("ca_rotation_step_rejected", 409, "CA key rotation step not allowed now", Runbook.ROTATION),

    // --- federation CA: client certificates presented over mTLS ---
    /** The client certificate is not signed by any CA certificate in this hub's trust bundle. */
    CLIENT_CERT_UNTRUSTED("client_cert_untrusted", 401, "client certificate not issued by a trusted federation CA", Runbook.TLS),
    /** The client certificate's notAfter (or its CA's) has passed. */
    CLIENT_CERT_EXPIRED("client_cert_expired", 401, "client certificate expired", Runbook.TLS),
    /** The client certificate's notBefore (or its CA's) is in the future: usually clock skew. */
    CLIENT_CERT_NOT_YET_VALID("client_cert_not_yet_valid", 401, "client certificate not yet valid", Runbook.TLS),
    /** The client certificate is a CA certificate or lacks the clientAuth extended key usage. */
    CLIENT_CERT_USAGE_INVALID("client_cert_usage_invalid", 401, "client certificate not valid for client authentication", Runbook.TLS),
    /** The client certificate was revoked (peer revoked, or the certificate replaced). */
    CLIENT_CERT_REVOKED("client_cert_revoked", 401, "client certificate revoked", Runbook.TLS),
    /** The client certificate chains to our CA but no issuance record maps it to a peer. */
    CLIENT_CERT_UNKNOWN("client_cert_unknown", 401, "client certificate not recorded by this hub", Runbook.TLS),
    /** Not a re-enrolment token of this hub: malformed, badly signed, for another audience or hub, or replaced. */
    REENROLMENT_TOKEN_INVALID("reenrolment_token_invalid", 401, "re-enrolment token not valid here", Runbook.PEERS),
    /** The re-enrolment token's expiry has passed; the issuing hub mints a new one. */
    REENROLMENT_TOKEN_EXPIRED("reenrolment_token_expired", 401, "re-enrolment token expired", Runbook.PEERS),
    /** The re-enrolment token was already used: tokens are single use. */
    REENROLMENT_TOKEN_USED("reenrolment_token_used", 409, "re-enrolment token already used", Runbook.PEERS),
    /** The re-enrolment token was minted for another peer than the hub presenting it. */
    REENROLMENT_TOKEN_WRONG_PEER("reenrolment_token_wrong_peer", 403, "re-enrolment token bound to another peer", Runbook.PEERS),

    // --- key rotations and the key vault (issue 17) ---
    /** The acceptance token verifies under a token-signing key that {@code entente keys rotate --type token-signing} retired. */
    ACCEPTANCE_TOKEN_KEY_ROTATED("acceptance_token_key_rotated", 401, "acceptance token signed by a retired key", Runbook.KEYS),
    /** The re-enrolment token verifies under a token-signing key that a rotation retired. */
    REENROLMENT_TOKEN_KEY_ROTATED("reenrolment_token_key_rotated", 401, "re-enrolment token signed by a retired key", Runbook.KEYS),
    /** The operator token verifies under a token-signing key that a rotation retired. */
    AUTH_TOKEN_KEY_ROTATED("auth_token_key_rotated", 401, "operator token signed by a retired key", Runbook.KEYS),
    /** {@code keys rekey}: the current passphrase given does not open the key vault. */
    REKEY_PASSPHRASE_REJECTED("rekey_passphrase_rejected", 403, "current key passphrase does not open the key vault", Runbook.KEYS),
    /** {@code keys rekey}: the new passphrase is empty, too short, or the current one. */
    REKEY_PASSPHRASE_UNUSABLE("rekey_passphrase_unusable", 400, "new key passphrase unusable", Runbook.KEYS),
    /** This process opened the key vault under a passphrase the database no longer uses: another process re-keyed it. */
    KEY_VAULT_REKEYED("key_vault_rekeyed", 503, "key vault re-keyed by another process", Runbook.KEYS);

    private final String code;
    private final int status;
    private final String title;
    private final Runbook runbook;

    ErrorCode(String code, int status, String title, Runbook runbook) {
        this.code = code;
        this.status = status;
        this.title = title;
        this.runbook = runbook;
    }

    /** The stable snake_case code, as it appears in problem+json and in runbook headings. */
    @Override
    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    @Override
    public String title() {
        return title;
    }

    @Override
    public Runbook runbookFile() {
        return runbook;
    }

    /** Looks a code up by its snake_case form. */
    public static java.util.Optional<ErrorCode> byCode(String code) {
        for (ErrorCode c : values()) {
            if (c.code.equals(code)) {
                return java.util.Optional.of(c);
            }
        }
        return java.util.Optional.empty();
    }
}
