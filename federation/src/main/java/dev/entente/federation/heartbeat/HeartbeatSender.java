package dev.entente.federation.heartbeat;

import dev.entente.federation.handshake.HandshakeAccepter;
import dev.entente.federation.handshake.NodeKeys;
import dev.entente.federation.peer.HeartbeatDeliveries;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.protocol.Heartbeat;
import dev.entente.federation.protocol.HeartbeatAnswer;
import dev.entente.federation.protocol.PeerTransport;
import dev.entente.federation.renewal.Renewal;
import dev.entente.lifecycle.error.EntenteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Sends this hub's heartbeat to every linked peer, once per round. A peer that answers with new
 * TLS fingerprints is repinned; one that asks for it gets our node certificate renewed; an
 * enrolled peer that never had a heartbeat first gets handshake step 3 again (the proposer may
 * have missed it; it is idempotent there). Each answer's clock goes to {@link PeerClocks}.
 */
public final class HeartbeatSender {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatSender.class);
    private static final int DELIVERY_BATCH = 500;

    private final PeerRepository peers;
    private final HandshakeAccepter handshake;
    private final NodeKeys nodeKeys;
    private final PeerTransport transport;
    private final HeartbeatDeliveries deliveries;
    private final Renewal renewal;
    private final OwnHeartbeat own;
    private final HeartbeatExtension<?, ?> extension;
    private final PeerClocks clocks;

    public HeartbeatSender(PeerRepository peers, HandshakeAccepter handshake, NodeKeys nodeKeys, PeerTransport transport,
                           HeartbeatDeliveries deliveries, Renewal renewal, OwnHeartbeat own, HeartbeatExtension<?, ?> extension,
                           PeerClocks clocks) {
        this.peers = peers;
        this.handshake = handshake;
        this.nodeKeys = nodeKeys;
        this.transport = transport;
        this.deliveries = deliveries;
        this.renewal = renewal;
        this.own = own;
        this.extension = extension;
        this.clocks = clocks;
    }

    /** Outcome of one heartbeat to one peer. */
    public record SendResult(UUID peerId, boolean ok, String error) {
    }

    /**
     * One round: a heartbeat to every peer this hub sends them to at {@code now} (enrolled, active,
     * degraded); failures are counted per peer, never thrown. Safe to run twice: a heartbeat
     * more is only a heartbeat more.
     */
    public List<SendResult> sendHeartbeats(Instant now) {
        try {
            // Once per round, not per heartbeat (the audit head the heartbeats carry).
            extension.beforeRound();
        } catch (RuntimeException e) {
            LOG.warn("heartbeat extension failed before the round at {}", now, e);
        }
        List<SendResult> results = new ArrayList<>();
        List<UUID> delivered = new ArrayList<>();
        for (Peer peer : peers.list()) {
            if (peer.sendsHeartbeats()) {
                results.add(send(peer, delivered::add));
                if (delivered.size() >= DELIVERY_BATCH) {
                    countDelivered(delivered);
                }
            }
        }
        countDelivered(delivered);
        return results;
    }

    /**
     * One commit per batch of delivered heartbeats, not one per heartbeat: with synchronous commit
     * each commit waits for a WAL flush, and at 10,000 peers those flushes alone outlasted the round.
     */
    private void countDelivered(List<UUID> delivered) {
        if (delivered.isEmpty()) {
            return;
        }
        try {
            deliveries.delivered(delivered);
        } catch (RuntimeException e) {
            LOG.warn("could not count {} delivered heartbeat(s)", delivered.size(), e);
        }
        delivered.clear();
    }

    public SendResult sendHeartbeat(Peer peer) {
        return send(peer, deliveries::delivered);
    }

    private SendResult send(Peer peer, Consumer<UUID> onDelivered) {
        try {
            if (peer.needsCompletionRetry()) {
                handshake.complete(peer);
            }
            Heartbeat ours = own.build(extension.contributeFields(peer));
            PeerClocks.Exchange exchange = clocks.start();
            HeartbeatAnswer answer = transport.heartbeat(nodeKeys.endpoint(peer), ours);
            clocks.answered(peer.id(), peer.name(), exchange, answer.heartbeat().clock());
            onDelivered.accept(peer.id());
            try {
                extension.answeredFields(peer, answer.heartbeat().extensions());
            } catch (RuntimeException e) {
                // the heartbeat itself succeeded; what the extension could not keep is only logged
                LOG.warn("heartbeat extension could not keep peer {}'s answer", peer.id(), e);
            }
            List<String> theirs = answer.heartbeat().tlsFingerprints();
            if (peer.needsRepin(theirs)) {
                peers.repin(peer.id(), theirs);
            }
            if (answer.renew()) {
                renewal.renew(peers.find(peer.id()).orElseThrow());
            }
            return new SendResult(peer.id(), true, null);
        } catch (EntenteException e) {
            deliveries.failed(peer.id(), e.code().code() + ": " + e.detail());
            return new SendResult(peer.id(), false, e.code().code());
        } catch (RuntimeException e) {
            LOG.warn("heartbeat to peer {} failed", peer.id(), e);
            deliveries.failed(peer.id(), String.valueOf(e));
            return new SendResult(peer.id(), false, "internal_error");
        }
    }
}
