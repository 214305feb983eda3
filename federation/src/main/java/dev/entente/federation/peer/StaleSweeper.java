package dev.entente.federation.peer;

import dev.entente.lifecycle.error.EntenteException;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Marks active peers with overdue heartbeats degraded: the plain class behind the Quartz sweep job.
 *
 * <p>Safe to run twice and concurrently (several replicas, a retried job): each peer is one engine
 * transition whose guard re-checks staleness on the freshly loaded row and whose save is
 * optimistic. Whatever someone else did first — another sweep (no-op or {@code conflict}), a
 * heartbeat ({@code peer_not_stale} or {@code conflict}), an operator's suspend or revoke
 * ({@code transition_rejected}) — is counted as skipped, not reported as an error.
 */
public final class StaleSweeper {
    /** Peers fetched per query; the sweep pages through all stale peers in one run. */
    public static final int BATCH = 500;

    private final PeerRepository peers;
    private final PeerLifecycle lifecycle;
    private final Duration staleAfter;

    public StaleSweeper(PeerRepository peers, PeerLifecycle lifecycle, Duration staleAfter) {
        this.peers = Objects.requireNonNull(peers, "peers");
        this.lifecycle = Objects.requireNonNull(lifecycle, "lifecycle");
        this.staleAfter = Objects.requireNonNull(staleAfter, "staleAfter");
        if (!staleAfter.equals(lifecycle.configuration().staleAfter())) {
            // The query and the guard must agree, or peers would be listed and then refused forever.
            throw new IllegalArgumentException("stale-after " + staleAfter + " differs from the lifecycle's "
                    + lifecycle.configuration().staleAfter());
        }
    }

    /** Marks every active peer whose last heartbeat is older than stale-after at {@code now}. */
    public SweepResult sweep(Instant now) {
        long started = System.nanoTime();
        int examined = 0;
        int marked = 0;
        int skipped = 0;
        Instant afterHeartbeat = null;
        UUID afterId = null;
        while (true) {
            List<Peer> batch = peers.listStale(now, staleAfter, afterHeartbeat, afterId, BATCH);
            for (Peer peer : batch) {
                examined++;
                try {
                    if (lifecycle.markStale(peer.id(), now).changed()) {
                        marked++;
                    } else {
                        skipped++;
                    }
                } catch (EntenteException e) {
                    switch (e.code()) {
                        case CONFLICT, PEER_NOT_STALE, TRANSITION_REJECTED, NOT_FOUND -> skipped++;
                        default -> throw e;
                    }
                }
            }
            if (batch.size() < BATCH) {
                break;
            }
            // Keyset paging: a peer left active (a heartbeat won) is behind the cursor, so the loop ends.
            Peer last = batch.get(batch.size() - 1);
            afterHeartbeat = last.lastHeartbeatAt();
            afterId = last.id();
        }
        return new SweepResult(examined, marked, skipped, Duration.ofNanos(System.nanoTime() - started));
    }
}
