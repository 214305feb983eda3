package dev.entente.federation.peer;

import dev.entente.lifecycle.engine.BulkTransitionResult;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Marks active peers with overdue heartbeats degraded: the plain class behind the Quartz sweep job.
 *
 * <p>Set-based ({@link PeerLifecycle#markAllStale}): up to {@link #BATCH} peers per
 * {@code UPDATE ... FOR UPDATE SKIP LOCKED}, one audit event per batch, instead of one engine
 * transaction (and one turn on the audit lock) per peer. 10,000 stale peers took ~20 s one by
 * one; see {@code docs/performance.md} for the figures now.
 *
 * <p>Safe to run twice and concurrently (several replicas, a retried job): staleness is re-checked
 * in SQL on each locked row, so a peer already degraded, one whose heartbeat committed first, or
 * one an operator suspended is simply not matched; concurrent sweeps skip each other's locked rows
 * and so split the work, and no peer is marked twice. A peer locked by a writer in flight is left
 * to the next run.
 */
public final class StaleSweeper {
    /** Peers per batch: per set-based update, and per audit event (whose details list the ids). */
    public static final int BATCH = 1_000;

    private final PeerRepository peers;
    private final PeerLifecycle lifecycle;
    private final Duration staleAfter;
    private final int batchSize;

    /** With {@link #BATCH} peers per batch. */
    public StaleSweeper(PeerRepository peers, PeerLifecycle lifecycle, Duration staleAfter) {
        this(peers, lifecycle, staleAfter, BATCH);
    }

    /**
     * @param batchSize peers per set-based update and per audit event: larger batches mean fewer
     *                  statements and audit events but longer row locks and bigger events
     */
    public StaleSweeper(PeerRepository peers, PeerLifecycle lifecycle, Duration staleAfter, int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.peers = Objects.requireNonNull(peers, "peers");
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
        if (!staleAfter.equals(lifecycle.configuration().staleAfter())) {
            // The count and the update must agree, or the report would not add up.
            throw new IllegalArgumentException("stale-after " + staleAfter + " differs from the lifecycle's "
                    + lifecycle.configuration().staleAfter());
        }
    }

    /**
     * Marks every active peer whose last heartbeat is older than stale-after at {@code now}.
     * {@code examined} is how many looked stale when the sweep began; those it did not mark
     * (someone else got there first) are reported as skipped.
     */
    public SweepResult sweep(Instant now) {
        long started = System.nanoTime();
        // One cheap index count for the report; the update re-checks each row under its lock anyway.
        int examined = peers.countStale(now, staleAfter);
        BulkTransitionResult<PeerState> result = examined == 0
                ? null
                : lifecycle.markAllStale(now, batchSize);
        int marked = result == null ? 0 : result.count();
        int batches = result == null ? 0 : result.batches();
        // A concurrent sweep can mark peers this one counted, and (rarely) peers can turn stale
        // between the count and the update: never report a negative skip count.
        int skipped = Math.max(0, examined - marked);
        return new SweepResult(Math.max(examined, marked), marked, skipped,
                Duration.ofNanos(System.nanoTime() - started), batches);
    }
}
