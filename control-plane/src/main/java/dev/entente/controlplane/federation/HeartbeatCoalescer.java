package dev.entente.controlplane.federation;

import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.lifecycle.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
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

    /** The latest buffered heartbeat of one peer, and how many were folded into it. */
    record Beat(Instant at, Long clockSkewMs, Integer protocolVersion, String caPhase, List<String> pins, int count) {
        Beat merge(Beat other) {
            Beat newer = other.at.isAfter(at) ? other : this;
            return new Beat(newer.at, newer.clockSkewMs, newer.protocolVersion, newer.caPhase, newer.pins,
                    count + other.count);
        }
    }

    private final Tx tx;
    private final PeerLifecycle lifecycle;
    private final Consumer<UUID> peerChanged;
    private final Duration interval;
    private final ConcurrentHashMap<UUID, Beat> pending = new ConcurrentHashMap<>();
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
    static Duration intervalFor(Duration staleAfter) {
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
        pending.merge(peerId, new Beat(at, clockSkewMs, protocolVersion, caPhase, List.copyOf(pins), 1), Beat::merge);
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
        List<Beat> beats = new ArrayList<>(ids.size());
        List<UUID> taken = new ArrayList<>(ids.size());
        for (UUID id : ids) {
            Beat b = pending.remove(id);
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
            written = tx.inTransaction(c -> write(c, taken, beats));
        } catch (RuntimeException e) {
            for (int i = 0; i < taken.size(); i++) {
                pending.merge(taken.get(i), beats.get(i), Beat::merge);
            }
            throw e;
        }
        for (int i = 0; i < taken.size(); i++) {
            if (!written.contains(taken.get(i))) {
                replay(taken.get(i), beats.get(i));
            }
        }
    }

    private static Set<UUID> write(Connection c, List<UUID> ids, List<Beat> beats) throws java.sql.SQLException {
        int n = ids.size();
        UUID[] idArray = ids.toArray(new UUID[0]);
        // Rows locked in id order: two replicas flushing overlapping batches cannot deadlock.
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM peers WHERE id = ANY (?) ORDER BY id FOR UPDATE")) {
            ps.setArray(1, c.createArrayOf("uuid", idArray));
            ps.executeQuery().close();
        }
        String[] at = new String[n];
        Long[] skew = new Long[n];
        Integer[] protocol = new Integer[n];
        String[] phase = new String[n];
        String[] pins = new String[n];
        Integer[] count = new Integer[n];
        for (int i = 0; i < n; i++) {
            Beat b = beats.get(i);
            // ISO-8601 text, cast by PostgreSQL: no dependence on the session's time zone.
            at[i] = b.at().toString();
            skew[i] = b.clockSkewMs();
            protocol[i] = b.protocolVersion();
            phase[i] = b.caPhase();
            // Fingerprints are lower-case hex: a comma cannot occur in one.
            pins[i] = b.pins().isEmpty() ? null : String.join(",", b.pins());
            count[i] = b.count();
        }
        // The same columns as PeerLifecycle's quiet heartbeat, for many rows at once.
        String sql = "UPDATE peers AS p SET "
                + "last_heartbeat_at = GREATEST(COALESCE(p.last_heartbeat_at, u.at::timestamptz), u.at::timestamptz), degraded_reason = NULL, "
                + "last_clock_skew_ms = u.skew, remote_protocol_version = u.protocol, remote_ca_phase = u.phase, "
                + "heartbeats_received = p.heartbeats_received + u.n, "
                + "pinned_fingerprints = COALESCE(string_to_array(u.pins, ','), p.pinned_fingerprints) "
                + "FROM unnest(?::uuid[], ?::text[], ?::bigint[], ?::int[], ?::text[], ?::text[], ?::int[]) "
                + "AS u(id, at, skew, protocol, phase, pins, n) "
                + "WHERE p.id = u.id AND p.state = 'active' RETURNING p.id";
        Set<UUID> written = new HashSet<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setArray(1, c.createArrayOf("uuid", idArray));
            ps.setArray(2, c.createArrayOf("text", at));
            ps.setArray(3, c.createArrayOf("int8", skew));
            ps.setArray(4, c.createArrayOf("int4", protocol));
            ps.setArray(5, c.createArrayOf("text", phase));
            ps.setArray(6, c.createArrayOf("text", pins));
            ps.setArray(7, c.createArrayOf("int4", count));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    written.add(rs.getObject(1, UUID.class));
                }
            }
        }
        return written;
    }

    /**
     * The peer left active after its heartbeat was buffered: the lifecycle decides, as it would
     * have for that heartbeat arriving now (degraded recovers to active; suspended and revoked
     * refuse it, and so it is dropped, like a heartbeat arriving after the suspension).
     */
    private void replay(UUID id, Beat b) {
        try {
            lifecycle.recordHeartbeat(id, b.at(), b.clockSkewMs(), b.protocolVersion(), b.caPhase(), b.pins());
            if (b.count() > 1) {
                tx.read(c -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE peers SET heartbeats_received = heartbeats_received + ? WHERE id = ?")) {
                        ps.setInt(1, b.count() - 1);
                        ps.setObject(2, id);
                        return ps.executeUpdate();
                    }
                });
            }
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
