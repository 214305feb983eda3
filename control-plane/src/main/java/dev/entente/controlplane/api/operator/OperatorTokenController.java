package dev.entente.controlplane.api.operator;

import dev.entente.client.request.operator.OperatorTokenRequest;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.client.request.ReasonRequest;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.OperatorTokenRecord;
import dev.entente.controlplane.security.OperatorTokenRegistry;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.command.IssueOperatorToken;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;

import java.util.List;

/**
 * {@code /api/v1/operators/tokens} (admin). {@code POST} issues an operator token: the token is
 * in that response only; the hub records its id, subject, roles, expiry and minting chain, never
 * the token. The new token's {@code minted_by} is the minter's chain plus the minter. Minting an
 * approver token goes through the approval gate ({@code operator.token.issue}) whenever any
 * policy requires approval: 202, and the requester collects the token once it is approved.
 * {@code GET} lists what the hub recorded, with each token's last use; {@code POST
 * /{id}/revoke} revokes one on every replica.
 */
@Controller("/api/v1/operators/tokens")
public class OperatorTokenController {
    private final ApprovalGate approvals;
    private final OperatorTokenRegistry registry;

    public OperatorTokenController(ApprovalGate approvals, OperatorTokenRegistry registry) {
        this.approvals = approvals;
        this.registry = registry;
    }

    @Post
    public HttpResponse<?> issue(HttpRequest<?> request, @Body OperatorTokenRequest body) {
        OperatorPrincipal admin = OperatorAuthFilter.principal(request);
        IssueOperatorToken command = new IssueOperatorToken(body.subject(), body.role(), body.expiresIn(), null)
                .withMintingChain(chainOf(admin));
        var outcome = approvals.submit(command, admin.approvalOperator());
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.created(outcome.body());
    }

    @Get
    public List<OperatorTokenRecord> list() {
        return registry.list();
    }

    @Post("/{id}/revoke")
    public OperatorTokenRecord revoke(HttpRequest<?> request, @PathVariable String id, @Nullable @Body ReasonRequest body) {
        OperatorPrincipal admin = OperatorAuthFilter.principal(request);
        return registry.revoke(id, (body == null ? ReasonRequest.EMPTY : body).reason(), admin.subject());
    }

    // The new token's chain: the minter's own chain, then the minter; never what the request says.
    private List<String> chainOf(OperatorPrincipal minter) {
        List<String> chain = new java.util.ArrayList<>(approvals.mintingChain(minter.approvalOperator()));
        chain.add(minter.subject());
        return List.copyOf(chain);
    }
}
