package dev.entente.federation.peer;

import dev.entente.lifecycle.engine.ContextKey;
import dev.entente.lifecycle.engine.Guard;
import dev.entente.lifecycle.engine.Transition;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.entente.federation.peer.PeerEvent.ACCEPT;
import static dev.entente.federation.peer.PeerEvent.ENROLL;
import static dev.entente.federation.peer.PeerEvent.HEARTBEAT;
import static dev.entente.federation.peer.PeerEvent.RESUME;
import static dev.entente.federation.peer.PeerEvent.REVOKE;
import static dev.entente.federation.peer.PeerEvent.STALE;
import static dev.entente.federation.peer.PeerEvent.SUSPEND;
import static dev.entente.federation.peer.PeerState.ACCEPTED;
import static dev.entente.federation.peer.PeerState.ACTIVE;
import static dev.entente.federation.peer.PeerState.DEGRADED;
import static dev.entente.federation.peer.PeerState.ENROLLED;
import static dev.entente.federation.peer.PeerState.PROPOSED;
import static dev.entente.federation.peer.PeerState.REVOKED;
import static dev.entente.federation.peer.PeerState.SUSPENDED;

/**
 * The peer lifecycle's transition table (DESIGN §3), as data. Revoked is terminal.
 *
 * <pre>
 *   proposed  ACCEPT    → accepted   [token_valid]
 *   accepted  ENROLL    → enrolled   [both_halves_present]
 *   enrolled  HEARTBEAT → active
 *   active    HEARTBEAT   (internal, quiet: last_heartbeat_at only; no version bump, no audit)
 *   active    STALE     → degraded   [heartbeat_overdue]
 *   degraded  HEARTBEAT → active
 *   accepted | enrolled | active | degraded  SUSPEND → suspended  [reason_given]
 *   suspended RESUME    → enrolled
 *   any but revoked  REVOKE → revoked  [reason_given]
 * </pre>
 *
 * <p>Guards only read the row and the context; what a move writes is in {@link PeerLifecycle}'s effects.
 */
public final class PeerTransitions {
    /** Context key: SHA-256 of the presented acceptance token (may be absent). */
    public static final ContextKey<byte[]> TOKEN_DIGEST = ContextKey.named("token_digest");
    /** Context key: the time of the event. */
    public static final ContextKey<Instant> NOW = ContextKey.named("now");
    /** Context key: whether drill mode is on. */
    public static final ContextKey<Boolean> DRILL_MODE = ContextKey.named("drill_mode");
    /** Context key: the stale-after threshold. */
    public static final ContextKey<Duration> STALE_AFTER = ContextKey.named("stale_after");
    /** Context key: serial of the node certificate we issued for the peer. */
    public static final ContextKey<String> NODE_CERT_SERIAL = ContextKey.named("node_cert_serial");
    /** Context key: the client certificate the peer's CA issued to us, PEM. */
    public static final ContextKey<String> CLIENT_CERT_PEM = ContextKey.named("client_cert_pem");
    /** Context key: id of the sealed private key of that client certificate. */
    public static final ContextKey<String> CLIENT_KEY_ID = ContextKey.named("client_key_id");
    /** Context key: the operator's reason for a suspension or revocation. */
    public static final ContextKey<String> REASON = ContextKey.named("reason");

    /**
     * The acceptance token is the only secret that lets a stranger become a peer. The digest is
     * compared in constant time ({@link MessageDigest#isEqual}) so response timing does not leak
     * how many leading bytes an attacker got right. Match is checked before expiry: a caller
     * without the token learns nothing about it. Single use is the ACCEPT effect clearing the
     * digest plus the optimistic save: of two concurrent accepts only one commits.
     */
    public static final Guard<PeerState, PeerEvent> TOKEN_VALID = Guard.of("token_valid", in -> {
        byte[] stored = in.row().bytes("token_digest");
        byte[] presented = in.context().get(TOKEN_DIGEST);
        if (stored == null) {
            if (Boolean.TRUE.equals(in.context().get(DRILL_MODE))) {
                return Optional.empty();
            }
            return in.refuse(ErrorCode.ACCEPTANCE_TOKEN_REQUIRED, "peer " + in.row().string("name")
                    + " has no acceptance token and drill mode is off; issue one with entente peers token "
                    + in.id(), Map.of());
        }
        if (presented == null) {
            return in.refuse(ErrorCode.ACCEPTANCE_TOKEN_REQUIRED, "an acceptance token is required to accept peer "
                    + in.row().string("name"), Map.of());
        }
        if (!MessageDigest.isEqual(stored, presented)) {
            return in.refuse(ErrorCode.ACCEPTANCE_TOKEN_MISMATCH, "the acceptance token does not match the one issued "
                    + "for this peer; it may have been replaced: ask the proposing hub for the current token",
                    Map.of());
        }
        Instant expiresAt = in.row().instant("token_expires_at");
        Instant now = in.context().require(NOW);
        if (expiresAt != null && !now.isBefore(expiresAt)) {
            return in.refuse(ErrorCode.ACCEPTANCE_TOKEN_EXPIRED, "the acceptance token expired at " + expiresAt
                    + "; ask the proposing hub for a new one (entente peers token " + in.id() + ")",
                    Map.of("expires_at", expiresAt.toString()));
        }
        return Optional.empty();
    });

    /**
     * A peer is enrolled only when mTLS can work both ways: it can call us (we issued its node
     * certificate) and we can call it (its CA issued our client certificate, whose key we sealed).
     * Half an enrollment would leave a peer that heartbeats in one direction only.
     */
    public static final Guard<PeerState, PeerEvent> BOTH_HALVES_PRESENT = Guard.of("both_halves_present", in -> {
        List<String> missing = new java.util.ArrayList<>();
        for (ContextKey<String> key : List.of(NODE_CERT_SERIAL, CLIENT_CERT_PEM, CLIENT_KEY_ID)) {
            if (blank(in.context().get(key))) {
                missing.add(key.name());
            }
        }
        if (missing.isEmpty()) {
            return Optional.empty();
        }
        return in.refuse(ErrorCode.PEER_ENROLLMENT_INCOMPLETE, "cannot enroll peer " + in.row().string("name")
                + ": missing " + String.join(", ", missing) + "; complete the handshake from both sides",
                Map.of("missing", List.copyOf(missing)));
    });

    /**
     * A single {@link PeerLifecycle#markStale} re-checks staleness against the row it is about to
     * change, not a list read earlier: a heartbeat that committed in between makes this guard fail,
     * so a live peer is never marked degraded. The sweep uses the same rule as SQL, evaluated
     * under the row lock ({@link PeerLifecycle#markAllStale}); {@link Peer#heartbeatOverdue} is
     * the one definition both follow.
     */
    public static final Guard<PeerState, PeerEvent> HEARTBEAT_OVERDUE = Guard.of("heartbeat_overdue", in -> {
        Instant last = in.row().instant("last_heartbeat_at");
        Instant now = in.context().require(NOW);
        Duration threshold = in.context().require(STALE_AFTER);
        if (Peer.heartbeatOverdue(last, now, threshold)) {
            return Optional.empty();
        }
        return in.refuse(ErrorCode.PEER_NOT_STALE, "peer " + in.row().string("name") + " last sent a heartbeat at "
                + last + ", within stale-after " + Durations.describe(threshold),
                Map.of("last_heartbeat_at", String.valueOf(last)));
    });

    /** Suspensions and revocations are incidents: the reason is what the next operator reads. */
    public static final Guard<PeerState, PeerEvent> REASON_GIVEN = Guard.of("reason_given", in -> {
        if (!blank(in.context().get(REASON))) {
            return Optional.empty();
        }
        return in.refuse(ErrorCode.PEER_REASON_REQUIRED, "cannot " + in.event().name().toLowerCase(java.util.Locale.ROOT)
                + " peer " + in.row().string("name") + " without a reason; pass --reason", Map.of());
    });

    /** The table. */
    public static final List<Transition<PeerState, PeerEvent>> TABLE = List.of(
            Transition.guarded(PROPOSED, ACCEPT, ACCEPTED, TOKEN_VALID),
            Transition.guarded(ACCEPTED, ENROLL, ENROLLED, BOTH_HALVES_PRESENT),
            Transition.of(ENROLLED, HEARTBEAT, ACTIVE),
            // Quiet: a heartbeat every 30 s is bookkeeping, not a state change; auditing it wrote
            // ~2,880 events per peer per day and serialised heartbeats on the audit lock. The
            // sweep no longer needs the version bump to lose against it: it re-checks
            // last_heartbeat_at in SQL under the row lock (PeerLifecycle.markAllStale).
            Transition.internal(ACTIVE, HEARTBEAT).quietly(),
            Transition.guarded(ACTIVE, STALE, DEGRADED, HEARTBEAT_OVERDUE),
            Transition.of(DEGRADED, HEARTBEAT, ACTIVE),
            Transition.guarded(ACCEPTED, SUSPEND, SUSPENDED, REASON_GIVEN),
            Transition.guarded(ENROLLED, SUSPEND, SUSPENDED, REASON_GIVEN),
            Transition.guarded(ACTIVE, SUSPEND, SUSPENDED, REASON_GIVEN),
            Transition.guarded(DEGRADED, SUSPEND, SUSPENDED, REASON_GIVEN),
            Transition.of(SUSPENDED, RESUME, ENROLLED),
            Transition.guarded(PROPOSED, REVOKE, REVOKED, REASON_GIVEN),
            Transition.guarded(ACCEPTED, REVOKE, REVOKED, REASON_GIVEN),
            Transition.guarded(ENROLLED, REVOKE, REVOKED, REASON_GIVEN),
            Transition.guarded(ACTIVE, REVOKE, REVOKED, REASON_GIVEN),
            Transition.guarded(DEGRADED, REVOKE, REVOKED, REASON_GIVEN),
            Transition.guarded(SUSPENDED, REVOKE, REVOKED, REASON_GIVEN));

    private PeerTransitions() {
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
