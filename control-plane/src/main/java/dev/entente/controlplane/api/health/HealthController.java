package dev.entente.controlplane.api.health;

import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.lifecycle.db.Tx;
import java.time.Clock;
import dev.entente.lifecycle.error.EntenteException;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /healthz}, unauthenticated: reveals only status, hub id and uptime. The database is
 * probed on every call (through the pool, with a 2 s ceiling), so the answer flips back to 200 by
 * itself once PostgreSQL returns.
 */
@Controller
public class HealthController {
    /** Inside this window before expiry the hub reports {@code tls_cert_expiring_soon}. */
    public static final Duration TLS_EXPIRY_WARNING = Duration.ofDays(7);
    private final HubIdentity hub;
    private final Tx tx;
    private final TlsState tls;
    private final Clock clock;

    public HealthController(HubIdentity hub, Tx tx, TlsState tls, Clock clock) {
        this.hub = hub;
        this.tx = tx;
        this.tls = tls;
        this.clock = clock;
    }

    @Get(uri = "/healthz", produces = MediaType.APPLICATION_JSON)
    public HttpResponse<Map<String, Object>> health() {
        Map<String, Object> body = new LinkedHashMap<>();
        String reason = degradedReason();
        body.put("status", reason == null ? "ok" : "degraded");
        if (reason != null) {
            body.put("reason", reason);
        }
        body.put("hub_id", hub.hubId());
        body.put("uptime_s", hub.uptime().toSeconds());
        return HttpResponse.status(reason == null ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }

    private String degradedReason() {
        try {
            boolean valid = tx.read(c -> c.isValid(2));
            if (!valid) {
                return "database_unreachable";
            }
        } catch (EntenteException | IllegalStateException e) {
            return "database_unreachable";
        }
        Instant notAfter = tls.current().notAfter();
        Instant now = clock.instant();
        if (!now.isBefore(notAfter)) {
            return "tls_cert_expired";
        }
        if (notAfter.isBefore(now.plus(TLS_EXPIRY_WARNING))) {
            return "tls_cert_expiring_soon";
        }
        return null;
    }
}
