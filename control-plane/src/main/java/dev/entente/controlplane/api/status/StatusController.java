package dev.entente.controlplane.api.status;

import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.lifecycle.time.Durations;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.controlplane.security.Permission;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/status}: who this hub is, where it listens, and what it runs on. */
@Controller("/api/v1/status")
public class StatusController {
    private final HubRuntime hub;

    public StatusController(HubRuntime hub) {
        this.hub = hub;
    }

    @Get
    public Map<String, Object> status(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        TlsKey tls = hub.tls().current();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hub_id", hub.hubId());
        out.put("name", hub.name());
        out.put("listening", hub.listening());
        out.put("public_url", hub.publicUrl());
        out.put("uptime_s", hub.uptime().toSeconds());
        out.put("tls", Map.of("fingerprint", tls.fingerprint(), "not_after", tls.notAfter().toString()));
        out.put("database", hub.databaseKind());
        out.put("drill_mode", hub.settings().drillMode());
        out.put("heartbeat_interval", Durations.format(hub.settings().heartbeatInterval()));
        out.put("stale_after", Durations.format(hub.settings().staleAfter()));
        out.put("warnings", warnings());
        return out;
    }

    private List<String> warnings() {
        if (hub.settings().drillMode()) {
            return List.of("drill mode is on: a proposed peer with no token digest accepts any caller");
        }
        return List.of();
    }
}
