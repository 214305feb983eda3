package dev.entente.federation.peer;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings the peer lifecycle reads.
 *
 * @param staleAfter {@code entente.heartbeat.stale-after}, default {@code 5m}: an active peer with no
 *                   heartbeat for longer than this is marked degraded by the sweep
 * @param drillMode  {@code entente.federation.drill-mode}, default {@code false}: when true, a
 *                   proposed peer with no stored token digest accepts any caller (demos and drills only)
 */
public record PeerLifecycleConfiguration(Duration staleAfter, boolean drillMode) {
    /** The documented default for {@code entente.heartbeat.stale-after}. */
    public static final Duration DEFAULT_STALE_AFTER = Duration.ofMinutes(5);

    public PeerLifecycleConfiguration {
        Objects.requireNonNull(staleAfter, "staleAfter");
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("stale-after must be positive, got " + staleAfter);
        }
    }

    /** The defaults: stale-after 5m, drill mode off. */
    public static PeerLifecycleConfiguration defaults() {
        return new PeerLifecycleConfiguration(DEFAULT_STALE_AFTER, false);
    }
}
