package dev.entente.federation.heartbeat;

import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.ReceivedHeartbeat;
import dev.entente.lifecycle.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Batches the quiet heartbeat (an active peer's, changing nothing but the heartbeat columns):
 * the latest heartbeat of each peer is kept in memory and written for all peers at once, by one
 * statement, every {@link #interval()} and on shutdown. Before, each heartbeat was its own
 * UPDATE round trip (issue 4).
 *
 * <p>Only the quiet case is buffered; every heartbeat that changes a state (enrolled/degraded →
 * active) or the pinned fingerprints goes through {@link PeerLifecycle#recordHeartbeat} at once.
 * The batched UPDATE is guarded by {@code state = 'active'} exactly like the single-row quiet
 * path: a peer that left active meanwhile (the sweep degraded it, an operator suspended it) is
 * not written by the batch but replayed through the lifecycle, which recovers a degraded peer
 * and refuses a suspended one as before.
 *
 * <p><b>Against the stale sweep.</b> A buffered heartbeat is not in the database yet, so a sweep
 * running elsewhere could see an older {@code last_heartbeat_at}. The interval is at most 1/8 of
 * stale-after (and 250 ms), so a peer whose heartbeats arrive within stale-after is never judged
 * on a heartbeat older than stale-after by more than that margin; the in-process sweep flushes
 * first. Counters ({@code heartbeats_received}) add up the buffered heartbeats: none is lost, and
 * the figures lag by at most one interval.
 */
public final class HeartbeatCoalescer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatCoalescer.class);
    private static final Duration MAX_INTERVAL = Duration.ofMillis(250);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(10);

    private final Tx tx;
    private final PeerLifecycle lifecycle;
    private final Consumer<UUID> peerChanged;
    private final Duration interval;
    private final ConcurrentHashMap<UUID, ReceivedHeartbeat> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private volatile boolean closed;

    /**
     * @param peerChanged told when a buffered heartbeat had to take the lifecycle path (the peer
     *                    left active), so cached copies of the peer are dropped
     */
    public HeartbeatCoalescer(Tx tx, PeerLifecycle lifecycle, Duration staleAfter, Consumer<UUID> peerChanged, String name) {
        this.tx = tx;
        this.lifecycle = lifecycle;
        this.peerChanged = peerChanged;
        this.interval = intervalFor(staleAfter);
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "entente-heartbeat-flush-" + name);
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::flushQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** min(250 ms, stale-after / 8), at least 10 ms. */
    public static Duration intervalFor(Duration staleAfter) {
        Duration eighth = staleAfter.dividedBy(8);
        Duration d = eighth.compareTo(MAX_INTERVAL) < 0 ? eighth : MAX_INTERVAL;
        return d.compareTo(MIN_INTERVAL) < 0 ? MIN_INTERVAL : d;
    }

    public Duration interval() {
        return interval;
    }

    /** Heartbeats buffered and not yet written. */
    public int pending() {
        return pending.size();
    }

    /**
     * Buffers an active peer's quiet heartbeat; false when closed (the caller then writes it itself).
     */
    public boolean offer(UUID peerId, Instant at, Long clockSkewMs, Integer protocolVersion, String caPhase,
                         List<String> pins) {
        if (closed) {
            return false;
        }
        pending.merge(peerId, ReceivedHeartbeat.one(peerId, at, clockSkewMs, protocolVersion, caPhase, pins),
                ReceivedHeartbeat::merge);
        return true;
    }

    /**
     * {@link #flush()}, logging a failure instead of throwing: for the timer, and for readers of
     * the heartbeat columns on this hub (peers list/show, /metrics) so they see every heartbeat
     * this hub has answered.
     */
    public void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            LOG.warn("heartbeat flush failed ({}); the heartbeats stay buffered for the next one", e.getMessage());
        }
    }

    /**
     * Writes every buffered heartbeat now. On a database failure they go back into the buffer
     * (merged with any newer ones) and the exception is rethrown.
     */
    public synchronized void flush() {
        if (pending.isEmpty()) {
            return;
        }
        List<UUID> ids = new ArrayList<>(pending.keySet());
        List<ReceivedHeartbeat> beats = new ArrayList<>(ids.size());
        List<UUID> taken = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            ReceivedHeartbeat b = pending.remove(id);
            if (b != null) {
                taken.add(id);
                beats.add(b);
            }
        }
        if (taken.isEmpty()) {
            return;
        }
        Set<UUID> written;
        try {
            written = tx.inTransaction(c -> PeerRepository.writeHeartbeats(c, beats,
                    PeerRepository.HeartbeatWrite.ONLY_ACTIVE).keySet());
        } catch (RuntimeException e) {
            for (int i = 0; i < taken.size(); i++) {
                pending.merge(taken.get(i), beats.get(i), ReceivedHeartbeat::merge);
            }
            throw e;
        }
        for (int i = 0; i < taken.size(); i++) {
            if (!written.contains(taken.get(i))) {
                replay(taken.get(i), beats.get(i));
            }
        }
    }

    /**
     * The peer left active after its heartbeat was buffered: the lifecycle decides, as it would
     * have for that heartbeat arriving now (degraded recovers to active; suspended and revoked
     * refuse it, and so it is dropped, like a heartbeat arriving after the suspension).
     */
    private void replay(UUID id, ReceivedHeartbeat b) {
        try {
            lifecycle.recordHeartbeat(b);
        } catch (RuntimeException e) {
            LOG.debug("buffered heartbeat of peer {} not recorded: {}", id, e.getMessage());
        } finally {
            peerChanged.accept(id);
        }
    }

    /** Stops the timer and writes what is buffered; later heartbeats are written by their callers. */
    @Override
    public void close() {
        closed = true;
        timer.shutdown();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        flushQuietly();
    }
}
