package dev.entente.federation.peer;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * What a peer's heartbeat (or several of them, folded) leaves in its row: the heartbeat columns
 * of {@code peers}, written only by {@link PeerRepository#writeHeartbeats}.
 *
 * @param peerId          the peer that sent it
 * @param at              when it arrived (the newest, when folded)
 * @param clockSkewMs     the peer's clock minus ours, in milliseconds, or null when unknown
 * @param protocolVersion the protocol version the peer speaks
 * @param caPhase         the peer's CA rotation phase
 * @param pins            the TLS fingerprints the peer serves; empty leaves the pins as they are
 * @param count           how many heartbeats this stands for (added to {@code heartbeats_received})
 */
public record ReceivedHeartbeat(UUID peerId, Instant at, Long clockSkewMs, Integer protocolVersion, String caPhase,
                                List<String> pins, int count) {
    public ReceivedHeartbeat {
        Objects.requireNonNull(peerId, "peerId");
        Objects.requireNonNull(at, "at");
        pins = pins == null ? List.of() : List.copyOf(pins);
        if (count < 1) {
            throw new IllegalArgumentException("a received heartbeat stands for at least one");
        }
    }

    /** One heartbeat. */
    public static ReceivedHeartbeat one(UUID peerId, Instant at, Long clockSkewMs, Integer protocolVersion,
                                        String caPhase, List<String> pins) {
        return new ReceivedHeartbeat(peerId, at, clockSkewMs, protocolVersion, caPhase, pins, 1);
    }

    /** This and {@code other} of the same peer folded: the newer one's values, both counts. */
    public ReceivedHeartbeat merge(ReceivedHeartbeat other) {
        ReceivedHeartbeat newer = other.at.isAfter(at) ? other : this;
        return new ReceivedHeartbeat(peerId, newer.at, newer.clockSkewMs, newer.protocolVersion, newer.caPhase,
                newer.pins, count + other.count);
    }
}
