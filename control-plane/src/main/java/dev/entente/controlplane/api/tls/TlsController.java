package dev.entente.controlplane.api.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.hub.Durations;
import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.Permission;
import dev.entente.controlplane.tls.HubTls;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/** The hub TLS certificate: what is served, what is still in grace, and rotation. */
@Controller("/api/v1/tls")
public class TlsController {
    private final HubIdentity hub;
    private final AuditLog audit;
    private final Clock clock;
    private final HubSettings settings;
    private final TlsState tls;
    private final Tx tx;
    private final HubTls hubTls;

    public TlsController(HubIdentity hub, AuditLog audit, Clock clock, HubSettings settings, TlsState tls, Tx tx,
                         HubTls hubTls) {
        this.hub = hub;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
        this.tls = tls;
        this.tx = tx;
        this.hubTls = hubTls;
    }

    @Get
    public Map<String, Object> info(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        return describe();
    }

    /**
     * {@code POST /api/v1/tls/rotate}: a new key and certificate, served from the next handshake
     * without a restart; the old fingerprint stays in {@code grace_fingerprints} for
     * {@code entente.tls.rotation-grace} so peers can re-pin without an outage.
     */
    @Post("/rotate")
    public Map<String, Object> rotate(HttpRequest<?> request) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        operator.require(Permission.WRITE);
        String previous = tls.current().fingerprint();
        TlsKey next = tx.inTransaction(c -> {
            TlsKey k = hubTls.certificates().rotate(c, hub.hubId(), settings.subjectAltNames(), clock.instant());
            audit.append(c, AuditEvent.of(AuditEventType.TLS_ROTATED, operator.subject(), k.fingerprint(),
                    Map.of("previous_fingerprint", previous, "grace", Durations.format(settings.tlsRotationGrace()))));
            return k;
        });
        hubTls.refresh();
        HubBootstrap.writeLocalFiles(settings, hub, tls);
        return describe();
    }

    private Map<String, Object> describe() {
        TlsKey served = tls.current();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", served.certificate().getSubjectX500Principal().getName());
        out.put("sans", Certificates.subjectAltNames(served.certificate()));
        out.put("not_before", served.certificate().getNotBefore().toInstant().toString());
        out.put("not_after", served.notAfter().toString());
        out.put("fingerprint", served.fingerprint());
        out.put("key_type", "Ed25519");
        out.put("grace_fingerprints", tls.graceFingerprints());
        return out;
    }
}
