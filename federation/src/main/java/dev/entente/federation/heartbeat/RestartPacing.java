package dev.entente.federation.heartbeat;

import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Keeps the hub's own heartbeat rounds out of the way of its peers' reconnect storm after a start
 * (issue 15). Every peer reconnects to a restarted hub within seconds, and the hub's first rounds
 * used to open a new TLS connection to every peer at the same time, a third or more of the hub's
 * CPU over the restart. A peer that has heartbeated this process since it started already proved
 * the link and is known to be up; only the peer's view of us needs our heartbeat, and that can
 * wait a little. So rounds that start within the <em>deferral window</em> after the start skip
 * those peers and reach the others (still silent: down, or waiting for us) first.
 *
 * <p><b>The bound.</b> A peer marks us stale when our heartbeats stop for {@code stale-after}.
 * Before the start it last heard from us at most one interval before this hub last heard from any
 * peer ({@code lastHeardBeforeStart}, the end of the previous run as far as we can tell); after the
 * window the next round reaches it within one more interval. So the window is
 * {@code stale-after / 2 − 2 × interval − downtime}: the gap the peer sees stays within half its
 * {@code stale-after}, leaving the other half to late rounds and slow answers. At the defaults
 * (30 s, 5 m) and a 15 s restart that is 75 s. A window that comes out zero or negative (short
 * {@code stale-after}, a long downtime, or no peer ever heard) defers nothing. Only active peers
 * are deferred: any other state may be waiting for our heartbeat to move on.
 */
public final class RestartPacing {
    private final Instant startedAt;
    private final Duration window;
    private final LongSupplier nanoTime;
    private final long startedNanos;

    /**
     * @param startedAt            when this process started sending heartbeats, by the hub's clock
     * @param lastHeardBeforeStart the latest heartbeat any peer sent us before the start, or null
     * @param interval             {@code entente.heartbeat.interval}
     * @param staleAfter           {@code entente.heartbeat.stale-after}
     */
    public RestartPacing(Instant startedAt, Instant lastHeardBeforeStart, Duration interval, Duration staleAfter) {
        this(startedAt, lastHeardBeforeStart, interval, staleAfter, System::nanoTime);
    }

    /**
     * The window runs on {@code nanoTime}, a monotonic clock, and not on the wall clock: a clock
     * stepped back (or a hub clock moved by hand) must not stretch it. Only the downtime and "heard
     * since the start" compare wall-clock times, and a step there can only defer less.
     */
    RestartPacing(Instant startedAt, Instant lastHeardBeforeStart, Duration interval, Duration staleAfter,
                  LongSupplier nanoTime) {
        this.startedAt = startedAt;
        this.nanoTime = nanoTime;
        this.startedNanos = nanoTime.getAsLong();
        Duration w = Duration.ZERO;
        if (lastHeardBeforeStart != null && !lastHeardBeforeStart.isAfter(startedAt)) {
            Duration downtime = Duration.between(lastHeardBeforeStart, startedAt);
            w = staleAfter.dividedBy(2).minus(interval.multipliedBy(2)).minus(downtime);
        }
        this.window = w.isNegative() ? Duration.ZERO : w;
    }

    /** How long after the start rounds skip the peers heard from since (zero: nothing is deferred). */
    public Duration window() {
        return window;
    }

    /** The peers a round starting now sends to, in the order given; the rest wait for a later round. */
    public List<Peer> due(List<Peer> sending) {
        if (window.isZero() || nanoTime.getAsLong() - startedNanos >= window.toNanos()) {
            return sending;
        }
        List<Peer> due = new ArrayList<>(sending.size());
        for (Peer peer : sending) {
            if (!deferrable(peer)) {
                due.add(peer);
            }
        }
        return due;
    }

    /**
     * Active and heard from since the start. A peer in any other state may be waiting for our
     * heartbeat to move on (an enrolled one for the handshake's step 3, a degraded one to recover
     * on its side), so it is never held back.
     */
    private boolean deferrable(Peer peer) {
        return peer.state() == PeerState.ACTIVE && peer.lastHeartbeatAt() != null && peer.lastHeartbeatAt().isAfter(startedAt);
    }
}
