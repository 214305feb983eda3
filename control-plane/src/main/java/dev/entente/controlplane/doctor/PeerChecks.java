package dev.entente.controlplane.doctor;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.StoredKey;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerState;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Checks of each peer's record: stuck handshakes, long degradation, heartbeats, clocks, protocol, mTLS, pins. */
final class PeerChecks {
    /**
     * A handshake takes seconds and the first heartbeat one interval; a peer still in accepted or
     * enrolled after this (or 3 heartbeat intervals, if longer) will not finish by itself.
     */
    static final Duration HANDSHAKE_STUCK_AFTER = Duration.ofMinutes(15);
    /** Degraded this long is no blip: the other hub is gone or cut off. */
    static final Duration DEGRADED_TOO_LONG = Duration.ofHours(24);

    /** States in which this hub sends the peer heartbeats ({@link FederationService#sendHeartbeats}). */
    private static final Set<PeerState> HEARTBEATING = Set.of(PeerState.ENROLLED, PeerState.ACTIVE, PeerState.DEGRADED);

    private PeerChecks() {
    }

    /** DR006: accepted or enrolled for longer than the handshake can take. */
    static final DoctorCheck STUCK_HANDSHAKE = Checks.of(DoctorCode.DR006, true, (hub, now) -> {
        Duration limit = max(HANDSHAKE_STUCK_AFTER, hub.settings().heartbeatInterval().multipliedBy(3));
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers(hub)) {
            if ((p.state() == PeerState.ACCEPTED || p.state() == PeerState.ENROLLED) && p.stateSince() != null
                    && p.stateSince().plus(limit).isBefore(now)) {
                out.add(Finding.of(DoctorCode.DR006, "peer " + p.name() + " stuck in " + p.state().value() + " for "
                        + Checks.human(Duration.between(p.stateSince(), now)) + ": the handshake never finished",
                        show(p), p.id().toString()));
            }
        }
        return out;
    });

    /** DR007: degraded for more than 24 h. */
    static final DoctorCheck DEGRADED = Checks.of(DoctorCode.DR007, true, (hub, now) -> {
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers(hub)) {
            if (p.state() == PeerState.DEGRADED && p.stateSince() != null && p.stateSince().plus(DEGRADED_TOO_LONG).isBefore(now)) {
                out.add(Finding.of(DoctorCode.DR007, "peer " + p.name() + " degraded for "
                        + Checks.human(Duration.between(p.stateSince(), now)) + " (" + p.degradedReason() + ")",
                        show(p), p.id().toString()));
            }
        }
        return out;
    });

    /**
     * DR008: the last heartbeat we sent failed (a delivered one clears the error). The counters
     * are per link, not per time window: the diagnosis gives both, and failures outnumbering
     * deliveries is an error rather than a warning.
     */
    static final DoctorCheck HEARTBEATS = Checks.of(DoctorCode.DR008, true, (hub, now) -> {
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers(hub)) {
            if (HEARTBEATING.contains(p.state()) && p.lastHeartbeatError() != null) {
                Finding f = Finding.of(DoctorCode.DR008, "heartbeats to peer " + p.name() + " are failing ("
                        + p.heartbeatsFailed() + " failed, " + p.heartbeatsSent() + " delivered): "
                        + firstLine(p.lastHeartbeatError()), show(p), p.id().toString());
                out.add(p.heartbeatsFailed() > p.heartbeatsSent() ? f.withSeverity(Severity.ERROR) : f);
            }
        }
        return out;
    });

    /** DR009: the skew measured at the last heartbeat, against {@code entente.tokens.clock-skew} (60 s). */
    static final DoctorCheck CLOCK_SKEW = Checks.of(DoctorCode.DR009, true, (hub, now) -> {
        long limit = hub.settings().clockSkew().toMillis();
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers(hub)) {
            Long skew = p.lastClockSkewMs();
            if (HEARTBEATING.contains(p.state()) && skew != null && Math.abs(skew) > limit) {
                out.add(Finding.of(DoctorCode.DR009, "peer " + p.name() + "'s clock is "
                        + Checks.human(Duration.ofMillis(Math.abs(skew))) + (skew > 0 ? " ahead of" : " behind")
                        + " ours (limit " + Checks.human(Duration.ofMillis(limit)) + "); tokens and certificates "
                        + "will look expired or not yet valid", show(p), p.id().toString()));
            }
        }
        return out;
    });

    /**
     * DR010: a peer refused our heartbeat for its protocol version, or reported another one. A
     * heartbeat with another version is refused before it is recorded, so the refusal the
     * sender records is where a mismatch shows.
     */
    static final DoctorCheck PROTOCOL = Checks.of(DoctorCode.DR010, true, (hub, now) -> {
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers(hub)) {
            boolean refused = p.lastHeartbeatError() != null
                    && p.lastHeartbeatError().contains(ErrorCode.PROTOCOL_VERSION_MISMATCH.code());
            boolean other = p.remoteProtocolVersion() != null && p.remoteProtocolVersion() != FederationService.PROTOCOL_VERSION;
            if (HEARTBEATING.contains(p.state()) && (refused || other)) {
                out.add(Finding.of(DoctorCode.DR010, "peer " + p.name() + " speaks another federation protocol than "
                        + "this hub (" + FederationService.PROTOCOL_VERSION + "): "
                        + (other ? "it reported " + p.remoteProtocolVersion() : firstLine(p.lastHeartbeatError())),
                        show(p), p.id().toString()));
            }
        }
        return out;
    });

    /** DR011: a linked peer needs both halves of our client credential, and they must match. */
    static final DoctorCheck MTLS = Checks.of(DoctorCode.DR011, true, (hub, now) -> {
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers(hub)) {
            if (!HEARTBEATING.contains(p.state()) && p.state() != PeerState.SUSPENDED) {
                continue;
            }
            partial(hub, p).ifPresent(problem -> out.add(Finding.of(DoctorCode.DR011, "peer " + p.name() + ": "
                    + problem + "; this hub cannot call it over mTLS", show(p), p.id().toString())));
        }
        return out;
    });

    private static Optional<String> partial(DoctorContext hub, Peer p) {
        boolean cert = p.clientCertPem() != null;
        boolean key = p.clientKeyId() != null;
        if (!cert && !key) {
            return Optional.of("no client certificate and no key");
        }
        if (cert && !key) {
            return Optional.of("a client certificate but no key");
        }
        if (!cert) {
            return Optional.of("a client key " + p.clientKeyId() + " but no certificate");
        }
        Optional<StoredKey> stored = hub.keys().byId(p.clientKeyId());
        if (stored.isEmpty()) {
            return Optional.of("a client certificate but its key " + p.clientKeyId() + " is missing");
        }
        X509Certificate certificate = Certificates.parsePem(p.clientCertPem()).get(0);
        if (!certificate.getPublicKey().equals(Certificates.publicKey(stored.get().algorithm(), stored.get().publicKey()))) {
            return Optional.of("the client certificate is not for key " + p.clientKeyId());
        }
        return Optional.empty();
    }

    /** DR015: our pin no longer matches what the peer serves; nothing is sent until an operator re-pins. */
    static final DoctorCheck PIN = Checks.of(DoctorCode.DR015, true, (hub, now) -> {
        List<Finding> out = new ArrayList<>();
        for (Peer p : peers(hub)) {
            if (HEARTBEATING.contains(p.state()) && p.lastHeartbeatError() != null
                    && p.lastHeartbeatError().startsWith(ErrorCode.HANDSHAKE_FINGERPRINT_MISMATCH.code())) {
                out.add(Finding.of(DoctorCode.DR015, "peer " + p.name() + " no longer serves a certificate we pin ("
                        + String.join(",", p.pinnedFingerprints()) + "); confirm its new fingerprint out of band "
                        + "before re-pinning", show(p), p.id().toString()));
            }
        }
        return out;
    });

    static List<DoctorCheck> all() {
        return List.of(STUCK_HANDSHAKE, DEGRADED, HEARTBEATS, CLOCK_SKEW, PROTOCOL, MTLS, PIN);
    }

    private static List<Peer> peers(DoctorContext hub) {
        return hub.federation().peers().list();
    }

    private static String show(Peer p) {
        return "entente peers show " + p.id();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 297) + "..." : line;
    }
}
