package dev.entente.federation.grant;

/** What can happen to a grant. */
public enum GrantEvent {
    /** The grant's {@code expires_at} has passed (the expiry job, or lazily on use). */
    EXPIRE,
    /** An operator withdraws the grant, or its peer is revoked. */
    REVOKE,
    /** An operator changes an active grant's scopes, expiry or auto-renewal; its id and token stay. */
    UPDATE,
    /** An operator gives an active grant a new term from now; its id and token stay. */
    RENEW
}
