package dev.entente.federation.grant;

import dev.entente.lifecycle.engine.LifecycleState;

/**
 * Where a federation grant stands, stored as its lower_snake {@link #value()}.
 *
 * <pre>
 *   pending_approval ──APPROVE──▶ active ──EXPIRE──▶ expired (terminal)
 *          │                        │
 *          └────────REVOKE──────────┴──REVOKE──▶ revoked (terminal)
 * </pre>
 *
 * Only an {@code active} grant applies to a call, and only before its {@code expires_at}.
 */
public enum GrantState implements LifecycleState {
    /**
     * Issued under a {@code require_approval} policy (write grants, typically); waits for a second
     * operator. Refused with {@code grant_pending_approval}. Left by APPROVE (to active) or REVOKE.
     */
    PENDING_APPROVAL,
    /**
     * The grant applies to calls of its peer within its scopes until {@code expires_at}. Left by
     * EXPIRE (the expiry job, or lazily on the first use at or after {@code expires_at}) or REVOKE.
     */
    ACTIVE,
    /**
     * {@code expires_at} passed. Terminal: refused with {@code grant_expired}; issue a new grant
     * to extend access.
     */
    EXPIRED,
    /**
     * An operator revoked the grant, or its peer was revoked. Terminal: refused with
     * {@code grant_revoked}.
     */
    REVOKED;

    /** The state stored as {@code value}. */
    public static GrantState fromValue(String value) {
        return LifecycleState.fromValue(GrantState.class, value);
    }
}
