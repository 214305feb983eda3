package dev.entente.controlplane.api.health;

import dev.entente.controlplane.metrics.HubMetrics;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /metrics}: Prometheus text, for an operator token with any role (or anyone, with
 * {@code entente.metrics.unauthenticated-access}); it carries counts,
 * timestamps and the ids and names of live peers (as the alerts need), never tokens, keys or
 * fingerprints.
 */
@Controller
public class MetricsController {
    private final HeartbeatCoalescer heartbeats;
    private final HubMetrics metrics;

    public MetricsController(HeartbeatCoalescer heartbeats, HubMetrics metrics) {
        this.heartbeats = heartbeats;
        this.metrics = metrics;
    }

    @Get(uri = "/metrics", produces = "text/plain; version=0.0.4; charset=utf-8")
    public String metrics() {
        heartbeats.flushQuietly(); // heartbeat counters include the buffered ones
        return metrics.scrape();
    }
}
