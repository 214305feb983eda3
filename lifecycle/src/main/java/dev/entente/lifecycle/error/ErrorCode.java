package dev.entente.lifecycle.error;

/**
 * Every error Entente reports, once. A code is stable and never reused: operators grep for it,
 * scripts match on it, and each points at the runbook section that explains it.
 *
 * <p>The runbook anchor is {@code runbooks/<file>.md#<code>}; a spec fails when a code has no
 * section there.
 */
public enum ErrorCode {
    // --- requests and the admin API ---
    /** The request body or a parameter is malformed or fails validation. */
    INVALID_REQUEST(400, "invalid request", Runbook.OPERATORS),
    /** No such route or entity. */
    NOT_FOUND(404, "not found", Runbook.OPERATORS),
    /** The route exists but not for this HTTP method. */
    METHOD_NOT_ALLOWED(405, "method not allowed", Runbook.OPERATORS),
    /** The body is not JSON. */
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported media type", Runbook.OPERATORS),
    /** The Accept header asks for a type the route cannot produce (JSON or problem+json). */
    NOT_ACCEPTABLE(406, "no acceptable response type", Runbook.OPERATORS),
    /** The body is larger than micronaut.server.max-request-size (1MB). */
    REQUEST_TOO_LARGE(413, "request body too large", Runbook.OPERATORS),
    /** The request line (path and query) is longer than the hub reads. */
    URI_TOO_LONG(414, "request URI too long", Runbook.OPERATORS),
    /** The request's headers together are larger than the hub accepts (a bearer token pasted twice, a cookie jar). */
    REQUEST_HEADERS_TOO_LARGE(431, "request headers too large", Runbook.OPERATORS),
    /** Anything unexpected: the detail never carries a stack trace; the hub log does. */
    INTERNAL_ERROR(500, "internal error", Runbook.OPERATORS),

    // --- operator authentication ---
    /** No bearer token on an admin API call. */
    AUTH_TOKEN_MISSING(401, "operator token missing", Runbook.OPERATORS),
    /** The bearer token is not a compact JWS with a JSON header and claims. */
    AUTH_TOKEN_MALFORMED(401, "operator token malformed", Runbook.OPERATORS),
    /** The token's alg is not on the allow-list (EdDSA only); none and HS* land here. */
    AUTH_TOKEN_ALG_FORBIDDEN(401, "operator token algorithm forbidden", Runbook.OPERATORS),
    /** The signature does not verify under this hub's operator-token key. */
    AUTH_TOKEN_SIGNATURE_INVALID(401, "operator token signature invalid", Runbook.OPERATORS),
    /** The token's exp is in the past (beyond the allowed clock skew). */
    AUTH_TOKEN_EXPIRED(401, "operator token expired", Runbook.OPERATORS),
    /** The token's nbf/iat is in the future (beyond the allowed clock skew). */
    AUTH_TOKEN_NOT_YET_VALID(401, "operator token not yet valid", Runbook.OPERATORS),
    /** The token was issued by another hub or for another audience. */
    AUTH_TOKEN_WRONG_HUB(401, "operator token issued for another hub", Runbook.OPERATORS),
    /** Authenticated, but no role of the token allows this call. */
    AUTH_ROLE_FORBIDDEN(403, "role does not allow this action", Runbook.OPERATORS),

    // --- lifecycles ---
    /** The entity's current state does not accept the event. */
    TRANSITION_REJECTED(409, "transition rejected", Runbook.OPERATORS),
    /** Another transition of the same entity committed first; retry. */
    CONFLICT(409, "concurrent change", Runbook.OPERATORS),

    // --- CA rotation ---
    /** Advancing out of update_clients while peers still hold certificates under the old key. */
    ROTATION_LAGGARDS(409, "peers still on the old CA key", Runbook.ROTATION),
    /** A rotation move named a phase the rotation has already left (a repeated or concurrent move). */
    ROTATION_PHASE_CHANGED(409, "CA rotation phase changed", Runbook.ROTATION),

    // --- approvals ---
    /** The approver is the requester: the two-person rule needs someone else. */
    APPROVAL_SELF_FORBIDDEN(403, "approver must not be the requester", Runbook.APPROVALS),
    /** The approver does not hold the approver role. */
    APPROVAL_ROLE_REQUIRED(403, "approver role required", Runbook.APPROVALS),
    /** The request passed its timeout before anyone decided. */
    APPROVAL_EXPIRED(409, "approval request expired", Runbook.APPROVALS),
    /** Someone other than the requester tried to collect an approved request's secret result. */
    APPROVAL_REQUESTER_ONLY(403, "only the requester may collect", Runbook.APPROVALS),
    /** Nothing to collect: the request is not executed yet, or its secret result was already collected. */
    APPROVAL_RESULT_UNAVAILABLE(409, "approval result not available", Runbook.APPROVALS),

    // --- acceptance tokens (the federation handshake) ---
    /** The presented acceptance token's digest is not the one stored for the peer (wrong, forged or replaced token). */
    ACCEPTANCE_TOKEN_MISMATCH(401, "acceptance token does not match", Runbook.TOKENS),
    /** The acceptance token's expiry has passed; the proposing hub issues a new one. */
    ACCEPTANCE_TOKEN_EXPIRED(401, "acceptance token expired", Runbook.TOKENS),
    /** The peer has no acceptance token to check against (or none was presented) and drill mode is off. */
    ACCEPTANCE_TOKEN_REQUIRED(401, "acceptance token required", Runbook.TOKENS),
    /** A new acceptance token can only replace the token of a peer that is still proposed. */
    ACCEPTANCE_TOKEN_NOT_REPLACEABLE(409, "acceptance token cannot be replaced", Runbook.TOKENS),

    // --- peers ---
    /** The peer name is not 1-63 characters of [a-z0-9-] starting with a letter or digit. */
    PEER_NAME_INVALID(400, "invalid peer name", Runbook.PEERS),
    /** Another peer that is not revoked already has this name. */
    PEER_NAME_TAKEN(409, "peer name taken", Runbook.PEERS),
    /** Another peer that is not revoked already links to this remote hub id. */
    PEER_HUB_ID_TAKEN(409, "remote hub already linked", Runbook.PEERS),
    /** ENROLL needs both halves: our node cert for the peer and the peer's client cert and key for us. */
    PEER_ENROLLMENT_INCOMPLETE(409, "peer enrollment incomplete", Runbook.PEERS),
    /** Suspending or revoking a peer needs a reason, recorded on the peer and in the audit log. */
    PEER_REASON_REQUIRED(400, "reason required", Runbook.PEERS),
    /** The peer's last heartbeat is within stale-after, so it cannot be marked degraded. */
    PEER_NOT_STALE(409, "peer heartbeat is not overdue", Runbook.PEERS),

    // --- the federation handshake (acceptance tokens) ---
    /** The acceptance token is not a compact JWS with the expected claims. */
    ACCEPTANCE_TOKEN_MALFORMED(400, "acceptance token malformed", Runbook.TOKENS),
    /** The acceptance token's alg is not EdDSA; none and HS* are refused before any signature work. */
    ACCEPTANCE_TOKEN_ALG_FORBIDDEN(401, "acceptance token algorithm forbidden", Runbook.TOKENS),
    /** The acceptance token's signature does not verify under this hub's key. */
    ACCEPTANCE_TOKEN_SIGNATURE_INVALID(401, "acceptance token signature invalid", Runbook.TOKENS),
    /** The acceptance token's aud is not entente-federation. */
    ACCEPTANCE_TOKEN_WRONG_AUDIENCE(401, "acceptance token for another audience", Runbook.TOKENS),
    /** The acceptance token was issued by another hub than the one it was presented to. */
    ACCEPTANCE_TOKEN_WRONG_HUB(401, "acceptance token issued by another hub", Runbook.TOKENS),
    /** The token's iat/nbf is in the future beyond the allowed clock skew. */
    TOKEN_NOT_YET_VALID(401, "token not yet valid (clock skew?)", Runbook.TOKENS),
    /** The acceptance token was already used: tokens are single-use. */
    ACCEPTANCE_TOKEN_USED(409, "acceptance token already used", Runbook.TOKENS),
    /** The proposing hub's TLS certificate does not match the fingerprint in the token; nothing was sent. */
    HANDSHAKE_FINGERPRINT_MISMATCH(502, "proposing hub's TLS fingerprint does not match the token", Runbook.TOKENS),
    /** The other hub answered the handshake with an error (its problem is attached). */
    HANDSHAKE_REJECTED(502, "the other hub refused the handshake", Runbook.TOKENS),

    // --- peers, mTLS, heartbeats ---
    /** The other hub cannot be reached (refused, timed out, no route). */
    PEER_UNREACHABLE(502, "peer unreachable", Runbook.PEERS),
    /** A federation API call came without a client certificate. */
    PEER_CERT_REQUIRED(401, "client certificate required", Runbook.PEERS),
    /** The calling peer is suspended: trust material kept, calls refused until resumed. */
    PEER_SUSPENDED(401, "peer suspended", Runbook.PEERS),
    /** The calling peer is revoked: terminal. */
    PEER_REVOKED(401, "peer revoked", Runbook.PEERS),
    /** The peer speaks another federation protocol version. */
    PROTOCOL_VERSION_MISMATCH(409, "federation protocol version mismatch", Runbook.PEERS),
    /** A client certificate without its key, or a key without its certificate: never downgraded to plaintext. */
    MTLS_CONFIG_PARTIAL(503, "partial mTLS configuration", Runbook.TLS),

    // --- grants and the federation API (401: who you are; 403: what the grant allows) ---
    /** The grant bearer token is not of the form fg-&lt;grant-uuid&gt;.&lt;secret&gt;. */
    GRANT_TOKEN_MALFORMED(401, "grant token malformed", Runbook.GRANTS),
    /** No grant has this id, or the token's secret does not match it: deliberately not saying which. */
    GRANT_UNKNOWN(401, "grant unknown", Runbook.GRANTS),
    /** The grant is valid but was issued to another peer than the one calling. */
    GRANT_PEER_MISMATCH(401, "grant issued to another peer", Runbook.GRANTS),
    /** The grant's expires_at has passed (enforced at the moment of use, whether or not the expiry job ran). */
    GRANT_EXPIRED(403, "grant expired", Runbook.GRANTS),
    /** The grant was revoked by an operator, or with its peer. */
    GRANT_REVOKED(403, "grant revoked", Runbook.GRANTS),
    /**
     * No longer emitted (issue 12): grants have no pending state, the approval request waits
     * instead. Kept so the code is never reused for something else.
     */
    GRANT_PENDING_APPROVAL(403, "grant pending approval", Runbook.GRANTS),
    /** The call's instance, network or source IP is outside the grant's allow-lists; the detail says which. */
    GRANT_SCOPE_MISMATCH(403, "grant does not cover this instance, network or source", Runbook.GRANTS),
    /** The call needs a permission the grant lacks (write with a read grant). */
    GRANT_PERMISSION_INSUFFICIENT(403, "grant permission insufficient", Runbook.GRANTS),
    /** Expiring a grant before its expires_at: the expiry job re-checks and leaves it active. */
    GRANT_NOT_EXPIRED(409, "grant has not reached its expiry", Runbook.GRANTS),


    /** The key passphrase does not open this hub's key vault. */
    KEY_PASSPHRASE_INVALID(503, "key passphrase does not open the key vault", Runbook.STARTUP),
    /** A sealed key failed to open (tampered or from another vault). */
    KEY_MATERIAL_CORRUPT(503, "sealed key material cannot be opened", Runbook.STARTUP),
    /** The data directory cannot be created, read or written. */
    DATA_DIR_UNUSABLE(503, "data directory unusable", Runbook.STARTUP),
    /** Another running hub holds this data directory. */
    DATA_DIR_LOCKED(409, "data directory in use by another hub", Runbook.STARTUP),
    /** The hub's port is held by another process. */
    PORT_IN_USE(503, "port already in use", Runbook.STARTUP),
    /** The CLI could not reach the hub (refused, timed out, or no such host). */
    HUB_UNREACHABLE(503, "hub unreachable", Runbook.STARTUP),
    /** The CLI has no operator credential: no admin.token and no ENTENTE_TOKEN. */
    CREDENTIAL_MISSING(401, "no operator credential", Runbook.STARTUP),
    /** The embedded PostgreSQL could not be started or stopped. */
    EMBEDDED_DATABASE_FAILED(503, "embedded database failed", Runbook.DATABASE),

    // --- database ---
    /** The hub cannot reach PostgreSQL. */
    DATABASE_UNREACHABLE(503, "database unreachable", Runbook.DATABASE),

    // --- backup and restore ---
    /** The backup file is not an Entente backup, is truncated, or an entry does not match its manifest checksum. */
    BACKUP_CORRUPT(422, "backup file corrupt", Runbook.DATABASE),
    /** The backup was taken by a newer hub: its schema has migrations this binary does not know. */
    BACKUP_SCHEMA_TOO_NEW(409, "backup schema newer than this binary", Runbook.DATABASE),
    /** The backup file (or its temporary spool on the hub) cannot be written. */
    BACKUP_WRITE_FAILED(503, "backup cannot be written", Runbook.DATABASE),
    /** A restore only goes into an empty or new data directory; it never merges into a hub. */
    RESTORE_TARGET_NOT_EMPTY(409, "restore target not empty", Runbook.DATABASE),
    /** A restore needs the key passphrase of the backed-up hub: ENTENTE_KEY_PASSPHRASE or --passphrase-file. */
    RESTORE_PASSPHRASE_MISSING(400, "key passphrase required to restore", Runbook.DATABASE),

    // --- TLS ---
    /** The server's TLS certificate is not the pinned one. */
    TLS_PIN_MISMATCH(502, "TLS certificate does not match the pinned fingerprint", Runbook.TLS),
    /** The TLS handshake failed (protocol, cipher, or certificate). */
    TLS_HANDSHAKE_FAILED(502, "TLS handshake failed", Runbook.TLS),

    // --- federation CA: certificate signing requests (handshake and renewal) ---
    /** The bytes are not a PKCS#10 certificate signing request (PEM or DER). */
    CSR_MALFORMED(400, "certificate signing request malformed", Runbook.PEERS),
    /** The CSR's self-signature does not verify under the key it carries (tampered or mis-built). */
    CSR_SIGNATURE_INVALID(422, "certificate signing request signature invalid", Runbook.PEERS),
    /** The CSR's key is of an allowed type but too small (e.g. RSA below 3072 bits). */
    CSR_KEY_WEAK(422, "certificate signing request key too weak", Runbook.PEERS),
    /** The CSR's key type or curve is not on the allow-list (Ed25519, ECDSA P-256/P-384, RSA >= 3072). */
    CSR_KEY_UNSUPPORTED(422, "certificate signing request key type not supported", Runbook.PEERS),
    /** The CSR asks for basicConstraints CA:true; the federation CA only issues leaf certificates. */
    CSR_CA_REQUESTED(422, "certificate signing request asks for a CA certificate", Runbook.PEERS),

    // --- federation CA: keys and rotation ---
    /** The signing CA certificate has expired, so no node certificate can be issued under it. */
    CA_CERTIFICATE_EXPIRED(503, "federation CA certificate expired", Runbook.ROTATION),
    /** A CA key move (start, switch, drop, roll back, discard) does not fit the keys' current arrangement. */
    CA_ROTATION_STEP_REJECTED(409, "CA key rotation step not allowed now", Runbook.ROTATION),

    // --- federation CA: client certificates presented over mTLS ---
    /** The client certificate is not signed by any CA certificate in this hub's trust bundle. */
    CLIENT_CERT_UNTRUSTED(401, "client certificate not issued by a trusted federation CA", Runbook.TLS),
    /** The client certificate's notAfter (or its CA's) has passed. */
    CLIENT_CERT_EXPIRED(401, "client certificate expired", Runbook.TLS),
    /** The client certificate's notBefore (or its CA's) is in the future: usually clock skew. */
    CLIENT_CERT_NOT_YET_VALID(401, "client certificate not yet valid", Runbook.TLS),
    /** The client certificate is a CA certificate or lacks the clientAuth extended key usage. */
    CLIENT_CERT_USAGE_INVALID(401, "client certificate not valid for client authentication", Runbook.TLS),
    /** The client certificate was revoked (peer revoked, or the certificate replaced). */
    CLIENT_CERT_REVOKED(401, "client certificate revoked", Runbook.TLS),
    /** The client certificate chains to our CA but no issuance record maps it to a peer. */
    CLIENT_CERT_UNKNOWN(401, "client certificate not recorded by this hub", Runbook.TLS);

    private final int status;
    private final String title;
    private final Runbook runbook;

    ErrorCode(int status, String title, Runbook runbook) {
        this.status = status;
        this.title = title;
        this.runbook = runbook;
    }

    /** The stable snake_case code, as it appears in problem+json and in runbook headings. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public Runbook runbookFile() {
        return runbook;
    }

    /** The runbook section, e.g. {@code runbooks/operators-and-admin-api.md#auth_token_expired}. */
    public String runbook() {
        return runbook.path() + "#" + code();
    }

    /** Looks a code up by its snake_case form. */
    public static java.util.Optional<ErrorCode> byCode(String code) {
        for (ErrorCode c : values()) {
            if (c.code().equals(code)) {
                return java.util.Optional.of(c);
            }
        }
        return java.util.Optional.empty();
    }
}
