package dev.entente.federation.peer;

import dev.entente.lifecycle.engine.LifecycleState;

/**
 * Where a link to a remote hub stands, stored as its lower_snake {@link #value()}.
 *
 * <pre>
 *   proposed ──ACCEPT──▶ accepted ──ENROLL──▶ enrolled ──HEARTBEAT──▶ active ──STALE──▶ degraded
 *                                                ▲                     ▲ HEARTBEAT       │
 *                                                │                     └─────────────────┘
 *                    suspended ──RESUME──────────┘
 *   accepted | enrolled | active | degraded ──SUSPEND──▶ suspended
 *   any but revoked ──REVOKE──▶ revoked (terminal)
 * </pre>
 */
public enum PeerState implements LifecycleState {
    /**
     * We proposed the link and handed out an acceptance token; the remote hub has not used it yet.
     * Left by ACCEPT (the token's digest matches, unexpired, or drill mode with no token) or REVOKE.
     */
    PROPOSED,
    /**
     * The acceptance token was used (or, on the accepting side, we accepted the proposer's token);
     * certificates are being exchanged. Left by ENROLL once both certificate halves are stored,
     * SUSPEND or REVOKE. Stuck here is doctor's {@code stale_accepted_without_handshake}.
     */
    ACCEPTED,
    /**
     * Both halves stored: our node certificate for the peer and the client certificate the peer
     * issued to us. Left by the first HEARTBEAT (to active), SUSPEND or REVOKE.
     */
    ENROLLED,
    /**
     * Heartbeats arrive within stale-after; the federation API serves the peer. A HEARTBEAT only
     * refreshes {@code last_heartbeat_at}. Left by STALE (the sweep), SUSPEND or REVOKE.
     */
    ACTIVE,
    /**
     * No heartbeat for longer than stale-after; {@code degraded_reason} says how long. Left by the
     * next HEARTBEAT (back to active, no operator action), SUSPEND or REVOKE.
     */
    DEGRADED,
    /**
     * An operator suspended the link with a reason; the federation API refuses the peer even with
     * a valid certificate, and its heartbeats are rejected. Left by RESUME (to enrolled, active
     * again on its next heartbeat) or REVOKE.
     */
    SUSPENDED,
    /**
     * The link is over: the peer's node certificates and grants are revoked. Terminal; linking
     * the hub again takes a new proposal (the name and hub id are free again).
     */
    REVOKED;

    /**
     * Whether this hub sends the peer heartbeats in this state: once enrolled (the first one
     * also retries handshake step 3), and while active or degraded, which only heartbeats heal.
     */
    public boolean sendsHeartbeats() {
        return switch (this) {
            case ENROLLED, ACTIVE, DEGRADED -> true;
            case PROPOSED, ACCEPTED, SUSPENDED, REVOKED -> false;
        };
    }

    /**
     * Whether a caller in this state may be served from the federation access cache: admitted and
     * treated alike by every handler. Accepted (enrollment not complete) and every refusal take the
     * full path, which also words their errors.
     */
    public boolean cachesFederationCalls() {
        return sendsHeartbeats();
    }

    /** The state stored as {@code value}. */
    public static PeerState fromValue(String value) {
        return LifecycleState.fromValue(PeerState.class, value);
    }
}
