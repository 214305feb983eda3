package dev.entente.controlplane.api.status;

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
    public HubStatus status() {
        return reader.read();
    }
}
