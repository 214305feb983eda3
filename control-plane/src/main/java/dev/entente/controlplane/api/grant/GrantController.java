package dev.entente.controlplane.api.grant;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.grant.GrantRepository;
import java.time.Clock;
import dev.entente.controlplane.api.Bodies;
import dev.entente.controlplane.api.OperatorAuthFilter;
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
import java.util.Map;
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
    public HttpResponse<Object> issue(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        // The peer as the API has always named it ("peer", id or name) or as the command does ("peer_id").
        String peerKey = body != null && body.get("peer") == null && body.get("peer_id") != null ? "peer_id" : "peer";
        Peer peer = federation.peer(Bodies.string(body, peerKey, true));
        IssueGrant command = new IssueGrant(peer.id().toString(), Bodies.strings(body, "scopes"), Bodies.strings(body, "instances"),
                Bodies.strings(body, "networks"), Bodies.strings(body, "cidrs"), Bodies.string(body, "expires_in", false),
                Boolean.TRUE.equals(flag(body, "auto_renew")), Bodies.string(body, "max_lifetime", false));
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
    public Object revoke(HttpRequest<?> request, @PathVariable String id, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        Grant g = grant(id);
        RevokeGrant command = new RevokeGrant(g.id().toString(), Bodies.string(body, "reason", false));
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
    public HttpResponse<Object> update(HttpRequest<?> request, @PathVariable String id, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        Grant g = grant(id);
        UpdateGrant command = new UpdateGrant(g.id().toString(), optionalStrings(body, "scopes"),
                optionalStrings(body, "instances"), optionalStrings(body, "networks"), optionalStrings(body, "cidrs"),
                Bodies.string(body, "expires_in", false), flag(body, "auto_renew"), Bodies.string(body, "max_lifetime", false));
        var outcome = approvals.submit(command, operator.approvalOperator());
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.ok(outcome.body());
    }

    /** A new term for an active grant, from now (same id, same token). */
    @Post("/{id}/renew")
    public Object renew(HttpRequest<?> request, @PathVariable String id, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        Grant g = grant(id);
        RenewGrant command = new RenewGrant(g.id().toString(), Bodies.string(body, "expires_in", true));
        return approvals.submit(command, operator.approvalOperator()).body();
    }

    // Absent is "leave as it is", unlike an empty list, which lifts the restriction.
    private static List<String> optionalStrings(Map<String, Object> body, String key) {
        return body == null || !body.containsKey(key) || body.get(key) == null ? null : Bodies.strings(body, key);
    }

    private static Boolean flag(Map<String, Object> body, String key) {
        Object v = body == null ? null : body.get(key);
        if (v == null || v instanceof Boolean) {
            return (Boolean) v;
        }
        throw new EntenteException(ErrorCode.INVALID_REQUEST, key + " must be true or false");
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
