package dev.entente.controlplane.api.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.controlplane.security.Permission;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import dev.entente.lifecycle.time.Durations;
import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;

import java.util.LinkedHashMap;
import java.util.Map;

/** The hub TLS certificate: what is served, what is still in grace, and rotation. */
@Controller("/api/v1/tls")
public class TlsController {
    private final HubRuntime hub;

    public TlsController(HubRuntime hub) {
        this.hub = hub;
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
        String previous = hub.tls().current().fingerprint();
        TlsKey next = hub.tx().inTransaction(c -> {
            TlsKey k = hub.tlsCertificates().rotate(c, hub.hubId(), hub.settings().subjectAltNames(), hub.clock().instant());
            hub.audit().append(c, AuditEvent.of(AuditEventType.TLS_ROTATED, operator.subject(), k.fingerprint(),
                    Map.of("previous_fingerprint", previous, "grace", Durations.format(hub.settings().tlsRotationGrace()))));
            return k;
        });
        hub.refreshTls();
        HubBootstrap.writeLocalFiles(hub);
        return describe();
    }

    private Map<String, Object> describe() {
        TlsKey tls = hub.tls().current();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("subject", tls.certificate().getSubjectX500Principal().getName());
        out.put("sans", Certificates.subjectAltNames(tls.certificate()));
        out.put("not_before", tls.certificate().getNotBefore().toInstant().toString());
        out.put("not_after", tls.notAfter().toString());
        out.put("fingerprint", tls.fingerprint());
        out.put("key_type", "Ed25519");
        out.put("grace_fingerprints", hub.tls().graceFingerprints());
        return out;
    }
}
