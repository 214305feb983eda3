package dev.entente.controlplane.api.status;

import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.security.Permission;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

/**
 * {@code GET /api/v1/status}: who this hub is, where it listens, its certificate, peers, pending
 * tokens, worker, clock, and what needs an operator (see {@link HubStatus}).
 */
@Controller("/api/v1/status")
public class StatusController {
    private final StatusReader reader;

    public StatusController(StatusReader reader) {
        this.reader = reader;
    }

    @Get
    public HubStatus status(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        return reader.read();
    }
}
