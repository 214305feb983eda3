package dev.entente.federation.grant;

/** What can happen to a grant. */
public enum GrantEvent {
    /** A second operator approves a grant that was issued pending approval. */
    APPROVE,
    /** The grant's {@code expires_at} has passed (the expiry job, or lazily on use). */
    EXPIRE,
    /** An operator withdraws the grant, or its peer is revoked. */
    REVOKE
}
