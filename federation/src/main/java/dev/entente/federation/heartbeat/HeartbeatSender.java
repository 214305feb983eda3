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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
    private static final int SEND_CONCURRENCY = 16;

    private final PeerRepository peers;
    private final HandshakeAccepter handshake;
    private final NodeKeys nodeKeys;
    private final PeerTransport transport;
    private final HeartbeatDeliveries deliveries;
    private final Renewal renewal;
    private final OwnHeartbeat own;
    private final HeartbeatExtension<?, ?> extension;
    private final PeerClocks clocks;
    private final RestartPacing pacing;

    public HeartbeatSender(PeerRepository peers, HandshakeAccepter handshake, NodeKeys nodeKeys, PeerTransport transport,
                           HeartbeatDeliveries deliveries, Renewal renewal, OwnHeartbeat own, HeartbeatExtension<?, ?> extension,
                           PeerClocks clocks, RestartPacing pacing) {
        this.peers = peers;
        this.handshake = handshake;
        this.nodeKeys = nodeKeys;
        this.transport = transport;
        this.deliveries = deliveries;
        this.renewal = renewal;
        this.own = own;
        this.extension = extension;
        this.clocks = clocks;
        this.pacing = pacing;
    }

    /** Outcome of one heartbeat to one peer. */
    public record SendResult(UUID peerId, boolean ok, String error) {
    }

    /**
     * One round: a heartbeat to every peer this hub sends them to at {@code now} (enrolled, active,
     * degraded; shortly after a start, not those heard from since: {@link RestartPacing}), up to
     * {@value #SEND_CONCURRENCY} peers at a time, the results in the order of {@code peers.list()};
     * failures are counted per peer, never thrown. Safe to run twice: a heartbeat more is only a
     * heartbeat more.
     */
    public List<SendResult> sendHeartbeats(Instant now) {
        try {
            // Once per round, not per heartbeat (the audit head the heartbeats carry).
            extension.beforeRound();
        } catch (RuntimeException e) {
            LOG.warn("heartbeat extension failed before the round at {}", now, e);
        }
        List<Peer> due = pacing.due(peers.listSendingHeartbeats());
        NodeKeys.Round keys = nodeKeys.forRound(due);
        List<UUID> delivered = new ArrayList<>();
        Consumer<UUID> onDelivered = id -> {
            List<UUID> batch = null;
            synchronized (delivered) {
                delivered.add(id);
                if (delivered.size() >= DELIVERY_BATCH) {
                    batch = List.copyOf(delivered);
                    delivered.clear();
                }
            }
            if (batch != null) {
                countDelivered(batch);
            }
        };
        List<SendResult> results = new ArrayList<>(due.size());
        if (due.size() <= 1) {
            due.forEach(peer -> results.add(send(peer, keys, onDelivered)));
        } else {
            // Each heartbeat mostly waits for the peer's answer (a network round trip, the peer's
            // own commit): one after the other, 10,000 peers do not fit in a 30 s round.
            ExecutorService pool = Executors.newFixedThreadPool(Math.min(SEND_CONCURRENCY, due.size()), r -> {
                Thread t = new Thread(r, "heartbeat-send");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<SendResult>> sent = new ArrayList<>(due.size());
                for (Peer peer : due) {
                    sent.add(pool.submit(() -> send(peer, keys, onDelivered)));
                }
                for (int i = 0; i < sent.size(); i++) {
                    results.add(outcome(due.get(i), sent.get(i)));
                }
            } finally {
                pool.shutdown();
            }
        }
        synchronized (delivered) {
            countDelivered(List.copyOf(delivered));
            delivered.clear();
        }
        return results;
    }

    private static SendResult outcome(Peer peer, Future<SendResult> sent) {
        try {
            return sent.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new SendResult(peer.id(), false, "interrupted");
        } catch (ExecutionException e) {
            // send() answers every failure as a result; only an Error gets here
            LOG.warn("heartbeat to peer {} failed", peer.id(), e.getCause());
            return new SendResult(peer.id(), false, "internal_error");
        }
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
    }

    public SendResult sendHeartbeat(Peer peer) {
        return send(peer, null, deliveries::delivered);
    }

    /** @param keys the round's node keys, or null to read this peer's on its own */
    private SendResult send(Peer peer, NodeKeys.Round keys, Consumer<UUID> onDelivered) {
        try {
            if (peer.needsCompletionRetry()) {
                handshake.complete(peer);
            }
            Heartbeat ours = own.build(extension.contributeFields(peer));
            PeerClocks.Exchange exchange = clocks.start();
            HeartbeatAnswer answer = transport.heartbeat(keys == null ? nodeKeys.endpoint(peer) : keys.endpoint(peer), ours);
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
