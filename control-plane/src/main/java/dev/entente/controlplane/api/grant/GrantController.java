package dev.entente.controlplane.api.grant;

import dev.entente.client.request.grant.GrantRenewRequest;
import dev.entente.client.request.grant.GrantRequest;
import dev.entente.client.request.grant.GrantUpdateRequest;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.grant.GrantRepository;
import java.time.Clock;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.client.request.ReasonRequest;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.grant.AccessRequest;
import dev.entente.federation.grant.Check;
import dev.entente.federation.grant.Decision;
import dev.entente.federation.command.IssueGrant;
import dev.entente.federation.command.RenewGrant;
import dev.entente.federation.command.RevokeGrant;
import dev.entente.federation.command.UpdateGrant;
import dev.entente.federation.peer.Peer;
import dev.entente.client.request.Bodies;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** {@code /api/v1/grants}: issue (token shown once), list, show, revoke, explain, update, renew. */
@Controller("/api/v1/grants")
public class GrantController {
    private final FederationService federation;
    private final ApprovalGate approvals;
    private final GrantRepository grants;
    private final GrantAuthorizer grantAuthorizer;
    private final Clock clock;

    public GrantController(FederationService federation, ApprovalGate approvals, GrantRepository grants, GrantAuthorizer grantAuthorizer, Clock clock) {
        this.federation = federation;
        this.approvals = approvals;
        this.grants = grants;
        this.grantAuthorizer = grantAuthorizer;
        this.clock = clock;
    }

    @Post
    public HttpResponse<Object> issue(HttpRequest<?> request, @Nullable @Body GrantRequest body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        GrantRequest grant = Objects.requireNonNullElse(body, GrantRequest.EMPTY);
        Peer peer = federation.peer(grant.namedPeer());
        IssueGrant command = new IssueGrant(peer.id().toString(), grant.scopes(), grant.instances(),
                grant.networks(), grant.cidrs(), grant.expiresIn(), Boolean.TRUE.equals(grant.autoRenew()),
                grant.maxLifetime());
        // Read grants are grant.issue.read, for which no policy exists: only write grants can wait for approval.
        var outcome = approvals.submit(command, operator.approvalOperator());
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.created(outcome.body());
    }

    @Get
    public List<Grant> list(HttpRequest<?> request, @Nullable @QueryValue String peer) {
        List<Grant> found = peer == null ? grants.list() : grants.listForPeer(federation.peer(peer).id());
        return found;
    }

    @Get("/{id}")
    public Grant show(HttpRequest<?> request, @PathVariable String id) {
        return grant(id);
    }

    @Post("/{id}/revoke")
    public Object revoke(HttpRequest<?> request, @PathVariable String id, @Nullable @Body ReasonRequest body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        Grant g = grant(id);
        RevokeGrant command = new RevokeGrant(g.id().toString(), Objects.requireNonNullElse(body, ReasonRequest.EMPTY).reason());
        return approvals.submit(command, operator.approvalOperator()).body();
    }

    /** Answers "would this call be allowed?" without making it: every check and its result. */
    @Get("/{id}/explain")
    public Explanation explain(HttpRequest<?> request, @PathVariable String id, @Nullable @QueryValue String instance,
                                       @Nullable @QueryValue String network, @Nullable @QueryValue("source_ip") String sourceIp,
                                       @Nullable @QueryValue String permission) {
        Grant g = grant(id);
        InetAddress source = null;
        if (sourceIp != null) {
            if (!sourceIp.matches("[0-9A-Fa-f:.]+")) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "source_ip must be an IPv4 or IPv6 address, not " + sourceIp);
            }
            try {
                source = InetAddress.getByName(sourceIp);
            } catch (UnknownHostException e) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "source_ip must be an IPv4 or IPv6 address, not " + sourceIp);
            }
        }
        dev.entente.federation.grant.Permission p = permission == null ? dev.entente.federation.grant.Permission.READ
                : IssueGrant.permission(permission);
        Decision d = grantAuthorizer.explain(g,
                new AccessRequest(p, instance, network, source, clock.instant()));
        return new Explanation(d.applies(), d.code() == null ? null : d.code().code(), d.checks());
    }

    /**
     * {@code grants explain}: whether the call would be allowed, the code it would be refused with
     * (null when allowed), and every check in order with its result.
     */
    @JsonPropertyOrder({"applies", "code", "checks"})
    public record Explanation(@JsonProperty("applies") boolean applies, @JsonProperty("code") String code,
                              @JsonProperty("checks") List<Check> checks) {
    }

    /**
     * Changes an active grant in place (same id, same token): only the fields the body names. An
     * update naming write waits for approval when {@code grant.issue.write} requires it (202).
     */
    @Post("/{id}/update")
    public HttpResponse<Object> update(HttpRequest<?> request, @PathVariable String id, @Nullable @Body GrantUpdateRequest body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        Grant g = grant(id);
        GrantUpdateRequest change = Objects.requireNonNullElse(body, GrantUpdateRequest.EMPTY);
        UpdateGrant command = new UpdateGrant(g.id().toString(), change.scopes(), change.instances(), change.networks(),
                change.cidrs(), change.expiresIn(), change.autoRenew(), change.maxLifetime());
        var outcome = approvals.submit(command, operator.approvalOperator());
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.ok(outcome.body());
    }

    /** A new term for an active grant, from now (same id, same token). */
    @Post("/{id}/renew")
    public Object renew(HttpRequest<?> request, @PathVariable String id, @Nullable @Body GrantRenewRequest body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        Grant g = grant(id);
        RenewGrant command = new RenewGrant(g.id().toString(),
                Bodies.required("expires_in", Objects.requireNonNullElse(body, GrantRenewRequest.EMPTY).expiresIn()));
        return approvals.submit(command, operator.approvalOperator()).body();
    }

    private Grant grant(String id) {
        try {
            return grants.find(UUID.fromString(id)).orElseThrow(() -> notFound(id));
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    private static EntenteException notFound(String id) {
        return new EntenteException(ErrorCode.NOT_FOUND, "no grant " + id + "; 'entente grants list' shows them");
    }
}
