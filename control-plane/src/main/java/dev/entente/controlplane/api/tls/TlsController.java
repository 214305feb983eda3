package dev.entente.controlplane.api.tls;

import dev.entente.controlplane.tls.TlsState;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.security.Permission;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import dev.entente.controlplane.hub.HubCommandShell;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.RotateTls;


/** The hub TLS certificate: what is served, what is still in grace, and rotation. */
@Controller("/api/v1/tls")
public class TlsController {
    private final TlsState tls;
    private final ApprovalGate approvals;

    public TlsController(TlsState tls, ApprovalGate approvals) {
        this.tls = tls;
        this.approvals = approvals;
    }

    @Get
    public CommandResult.TlsInfo info(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        return HubCommandShell.describe(tls);
    }

    /**
     * {@code POST /api/v1/tls/rotate}: a new key and certificate, served from the next handshake
     * without a restart; the old fingerprint stays in {@code grace_fingerprints} for
     * {@code entente.tls.rotation-grace} so peers can re-pin without an outage.
     */
    @Post("/rotate")
    public HttpResponse<?> rotate(HttpRequest<?> request) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        operator.require(Permission.WRITE);
        return HttpResponse.ok(approvals.submit(new RotateTls(), operator.approvalOperator()).body());
    }
}
