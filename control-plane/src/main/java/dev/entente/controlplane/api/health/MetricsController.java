package dev.entente.controlplane.api.health;

import dev.entente.controlplane.hub.HubRuntime;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /metrics}: Prometheus text. Unauthenticated like most exporters; it carries counts
 * and timestamps, never names of peers or secrets.
 */
@Controller
public class MetricsController {
    private final HubRuntime hub;

    public MetricsController(HubRuntime hub) {
        this.hub = hub;
    }

    @Get(uri = "/metrics", produces = "text/plain; version=0.0.4; charset=utf-8")
    public String metrics() {
        hub.heartbeats().flushQuietly(); // heartbeat counters include the buffered ones
        return hub.metrics().scrape();
    }
}
