package dev.entente.controlplane.api.status;

import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.federation.peer.Durations;
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
    private final TlsState tls;
    private final HubIdentity hub;
    private final HubSettings settings;

    public StatusController(TlsState tls, HubIdentity hub, HubSettings settings) {
        this.tls = tls;
        this.hub = hub;
        this.settings = settings;
    }

    @Get
    public Map<String, Object> status(HttpRequest<?> request) {
        TlsKey served = tls.current();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("hub_id", hub.hubId());
        out.put("name", hub.name());
        out.put("listening", hub.listening());
        out.put("public_url", hub.publicUrl());
        out.put("uptime_s", hub.uptime().toSeconds());
        out.put("tls", Map.of("fingerprint", served.fingerprint(), "not_after", served.notAfter().toString()));
        out.put("database", hub.databaseKind());
        out.put("drill_mode", settings.drillMode());
        out.put("heartbeat_interval", Durations.format(settings.heartbeatInterval()));
        out.put("stale_after", Durations.format(settings.staleAfter()));
        out.put("warnings", warnings());
        return out;
    }

    private List<String> warnings() {
        if (settings.drillMode()) {
            return List.of("drill mode is on: a proposed peer with no token digest accepts any caller");
        }
        return List.of();
    }
}
