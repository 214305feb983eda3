package dev.entente.controlplane.api.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.controlplane.security.Permission;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code GET /api/v1/tls}: the certificate the hub serves and the fingerprints still in grace. */
@Controller("/api/v1/tls")
public class TlsController {
    private final HubRuntime hub;

    public TlsController(HubRuntime hub) {
        this.hub = hub;
    }

    @Get
    public Map<String, Object> info(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
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
