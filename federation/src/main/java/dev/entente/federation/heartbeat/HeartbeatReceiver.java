package dev.entente.federation.heartbeat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.protocol.AccessInvalidation;
import dev.entente.federation.protocol.FederationProtocol;
import dev.entente.federation.protocol.Heartbeat;
import dev.entente.federation.protocol.HeartbeatAnswer;
import dev.entente.federation.renewal.RenewalPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/** A peer's heartbeat arrived over mTLS: record it (enrolled→active, degraded→active) and answer with ours. */
public final class HeartbeatReceiver {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatReceiver.class);

    private final PeerLifecycle lifecycle;
    private final HeartbeatCoalescer coalescer;
    private final OwnHeartbeat own;
    private final RenewalPolicy renewal;
    private final HeartbeatExtension<?, ?> extension;
    private final AccessInvalidation invalidation;
    private final Clock clock;

    public HeartbeatReceiver(PeerLifecycle lifecycle, HeartbeatCoalescer coalescer, OwnHeartbeat own, RenewalPolicy renewal,
                             HeartbeatExtension<?, ?> extension, AccessInvalidation invalidation, Clock clock) {
        this.lifecycle = lifecycle;
        this.coalescer = coalescer;
        this.own = own;
        this.renewal = renewal;
        this.extension = extension;
        this.invalidation = invalidation;
        this.clock = clock;
    }

    /**
     * @param peer      the authenticated caller
     * @param presented the node certificate it called with (renewed when aging or under an old CA key)
     */
    public HeartbeatAnswer receive(Peer peer, IssuedCertificate presented, Heartbeat heartbeat) {
        peer.requireEnrollmentComplete();
        FederationProtocol.require(heartbeat.protocolVersion());
        Instant now = clock.instant();
        Long skewMs = null;
        if (heartbeat.clock() != null) {
            try {
                skewMs = PeerClock.parse(heartbeat.clock()).toEpochMilli() - now.toEpochMilli();
            } catch (RuntimeException ignored) {
                // a malformed clock is reported as unknown skew, not a failed heartbeat
            }
        }
        // An active peer's heartbeat that changes nothing but the heartbeat columns is buffered
        // and written in a batch; anything else (a state change, new pins) is written now.
        boolean quiet = peer.isQuietHeartbeat(heartbeat.tlsFingerprints());
        if (!quiet || !coalescer.offer(peer.id(), now, skewMs, FederationProtocol.VERSION, heartbeat.caPhase(),
                heartbeat.tlsFingerprints())) {
            lifecycle.recordHeartbeat(peer.id(), now, skewMs, FederationProtocol.VERSION, heartbeat.caPhase(),
                    heartbeat.tlsFingerprints());
            // The cached copy of the peer (its state, its pins) may be what just changed.
            invalidation.peerChanged(peer.id());
        }
        boolean renew = renewal.shouldRenew(presented, now);
        Map<String, JsonNode> extra = Map.of();
        try {
            extra = extension.receiveFields(peer, heartbeat.extensions());
        } catch (RuntimeException e) {
            LOG.warn("heartbeat extension failed on peer {}'s heartbeat", peer.id(), e);
        }
        return new HeartbeatAnswer(own.build(extra), renew);
    }
}
