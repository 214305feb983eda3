package dev.entente.controlplane.api.health;

import dev.entente.controlplane.hub.HubIdentity;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.List;

/**
 * {@code GET /healthz} and {@code GET /readyz}, unauthenticated: they reveal only status, reasons,
 * hub id and uptime. {@code /healthz} is for monitoring (503 only when the hub cannot serve, 200
 * with status {@code warning} and its reasons otherwise, see {@link HealthReason});
 * {@code /readyz} is for load balancers (200 once the hub serves, 503 before and while it cannot).
 */
@Controller
public class HealthController {
    private final HubIdentity hub;
    private final HealthProbe probe;

    public HealthController(HubIdentity hub, HealthProbe probe) {
        this.hub = hub;
        this.probe = probe;
    }

    @Get(uri = "/healthz", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<Health> health() {
        List<HealthReason> reasons = probe.reasons();
        Health health = Health.of(reasons, reasons.contains(HealthReason.AUTOMATION_PAUSED) ? probe.paused() : List.of(),
                hub.hubId(), hub.uptime().toSeconds());
        return HttpResponse.status(health.serving() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(health);
    }

    @Get(uri = "/readyz", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<Readiness> ready() {
        Readiness readiness = probe.readiness();
        return HttpResponse.status("ready".equals(readiness.status()) ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(readiness);
    }
}
