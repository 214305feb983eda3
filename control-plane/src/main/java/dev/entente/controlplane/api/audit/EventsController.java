package dev.entente.controlplane.api.audit;

import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * What the hub did on its own (sweeps, handshakes, renewals, expiries, failures), newest first:
 * the {@link EventSource} part of the audit chain, so {@code entente audit verify} covers it too.
 */
@Controller("/api/v1/events")
public class EventsController {
    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;

    public EventsController(Tx tx, AuditLog audit, Clock clock) {
        this.tx = tx;
        this.audit = audit;
        this.clock = clock;
    }

    @Get
    public List<AuditEntry> list(@Nullable @QueryValue String source, @Nullable @QueryValue String type,
                                 @Nullable @QueryValue String since, @Nullable @QueryValue Integer limit) {
        EventSource from = source == null ? null : EventSource.parse(source).orElseThrow(() -> new EntenteException(
                ErrorCode.INVALID_REQUEST, "unknown event source '" + source + "'; known: " + EventSource.names(),
                Map.of("field", "source")));
        return AuditController.list(tx, audit, clock, AuditLog.Scope.SYSTEM, from, type, since, limit);
    }
}
