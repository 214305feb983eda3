package dev.entente.controlplane.api.tls;

import dev.entente.ca.vault.TokenKeyring;
import dev.entente.ca.tls.TlsModes;
import dev.entente.ca.tls.TlsState;
import dev.entente.controlplane.tls.HubTlsEndpoint;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.controlplane.api.OperatorAuthFilter;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import dev.entente.controlplane.hub.HubCommandShell;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.command.RotateTls;

/** The hub TLS certificate: what is served, what is still in grace, and rotation. */
@Controller("/api/v1/tls")
public class TlsController {
    private final TlsState tls;
    private final TlsModes modes;
    private final HubTlsEndpoint endpoint;
    private final ApprovalGate approvals;
    private final TokenKeyring tokenKeys;

    public TlsController(TlsState tls, TlsModes modes, HubTlsEndpoint endpoint, ApprovalGate approvals, TokenKeyring tokenKeys) {
        this.tls = tls;
        this.modes = modes;
        this.endpoint = endpoint;
        this.approvals = approvals;
        this.tokenKeys = tokenKeys;
    }

    @Get
    public HttpResponse<?> info() {
        return HttpResponse.ok(HubCommandShell.describe(tls, modes, endpoint, tokenKeys));
    }

    /**
     * {@code POST /api/v1/tls/rotate}: a new key and certificate, served from the next handshake
     * without a restart; the old fingerprint stays in {@code grace_fingerprints} for
     * {@code entente.tls.rotation-grace} so peers can re-pin without an outage.
     */
    @Post("/rotate")
    public HttpResponse<?> rotate(HttpRequest<?> request) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        return HttpResponse.ok(approvals.submit(new RotateTls(), operator.approvalOperator()).body());
    }
}
