package dev.entente.federation.peer;

/** What can happen to a peer. */
public enum PeerEvent {
    /** The remote hub presented our acceptance token (handshake step 2). */
    ACCEPT,
    /** Both certificate halves are stored: ours for the peer, the peer's for us. */
    ENROLL,
    /** A heartbeat arrived from the peer over mTLS. */
    HEARTBEAT,
    /** The sweep found no heartbeat for longer than stale-after. */
    STALE,
    /** An operator suspends the link, with a reason. */
    SUSPEND,
    /** An operator lifts a suspension. */
    RESUME,
    /** An operator ends the link, with a reason. */
    REVOKE
}
