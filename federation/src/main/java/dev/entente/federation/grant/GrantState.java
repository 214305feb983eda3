package dev.entente.federation.grant;

import dev.entente.lifecycle.engine.LifecycleState;

/**
 * Where a federation grant stands, stored as its lower_snake {@link #value()}.
 *
 * <pre>
 *   active ──EXPIRE──▶ expired (terminal)
 *     │└───REVOKE──▶ revoked (terminal)
 *     └─UPDATE, RENEW─▶ active (same id and token, new scopes or term)
 * </pre>
 *
 * Only an {@code active} grant applies to a call, and only before its {@code expires_at}. A grant
 * under the two-person rule is not a state of the grant: the approval request waits
 * ({@code grant.issue.write}), and the grant is issued active once it is approved. (A
 * {@code pending_approval} state used to stand for that too; nothing reached it, and V14
 * removed it.)
 */
public enum GrantState implements LifecycleState {
    /**
     * The grant applies to calls of its peer within its scopes until {@code expires_at}. Left by
     * EXPIRE (the expiry job, or lazily on the first use at or after {@code expires_at}) or REVOKE;
     * UPDATE and RENEW (and the worker's auto-renewal) change its scopes or term and keep it here.
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
