package dev.entente.controlplane.api.grant;

import dev.entente.controlplane.api.Bodies;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.approval.ApprovalActions;
import dev.entente.controlplane.approval.ApprovalGate;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.hub.Durations;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.Permission;
import dev.entente.federation.grant.AccessRequest;
import dev.entente.federation.grant.Check;
import dev.entente.federation.grant.Decision;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.peer.Peer;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
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
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** {@code /api/v1/grants}: issue (token shown once), list, show, revoke, explain. */
@Controller("/api/v1/grants")
public class GrantController {
    private static final Duration DEFAULT_TTL = Duration.ofDays(30);
    private final ApprovalGate approvals;
    private final Clock clock;
    private final FederationService federation;
    private final GrantAuthorizer grantAuthorizer;
    private final GrantLifecycle grantLifecycle;
    private final GrantRepository grants;
    private final Tx tx;
    private final AuditLog audit;

    public GrantController(ApprovalGate approvals, Clock clock, FederationService federation,
                           GrantAuthorizer grantAuthorizer, GrantLifecycle grantLifecycle, GrantRepository grants,
                           Tx tx, AuditLog audit) {
        this.approvals = approvals;
        this.clock = clock;
        this.federation = federation;
        this.grantAuthorizer = grantAuthorizer;
        this.grantLifecycle = grantLifecycle;
        this.grants = grants;
        this.tx = tx;
        this.audit = audit;
    }

    @Post
    public HttpResponse<Map<String, Object>> issue(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        operator.require(Permission.WRITE);
        Peer peer = federation.peer(Bodies.string(body, "peer", true));
        List<String> scopes = Bodies.strings(body, "scopes");
        scopes(scopes);
        String ttl = Bodies.string(body, "expires_in", false);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("peer_id", peer.id().toString());
        args.put("scopes", scopes);
        args.put("instances", Bodies.strings(body, "instances"));
        args.put("networks", Bodies.strings(body, "networks"));
        args.put("cidrs", Bodies.strings(body, "cidrs"));
        args.put("expires_in", ttl == null ? Durations.format(DEFAULT_TTL) : Durations.format(Durations.parse("expires_in", ttl, GrantRepository.MAX_LIFETIME)));
        if (!scopes.contains("write")) {
            // read grants are not sensitive enough for the two-person rule
            return HttpResponse.created(ApprovalActions.issueGrant(federation, grants, tx, audit, clock, args, operator.subject()));
        }
        var outcome = approvals.submit("grant.issue.write", operator, args);
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.created(outcome.body());
    }

    @Get
    public List<Map<String, Object>> list(HttpRequest<?> request, @Nullable @QueryValue String peer) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        List<Grant> grants = peer == null ? this.grants.list() : this.grants.listForPeer(federation.peer(peer).id());
        return grants.stream().map(Grant::toMap).toList();
    }

    @Get("/{id}")
    public Map<String, Object> show(HttpRequest<?> request, @PathVariable String id) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        return grant(id).toMap();
    }

    @Post("/{id}/revoke")
    public Map<String, Object> revoke(HttpRequest<?> request, @PathVariable String id, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        operator.require(Permission.WRITE);
        Grant g = grant(id);
        String reason = Bodies.string(body, "reason", false);
        grantLifecycle.revoke(g.id(), operator.subject(), reason == null ? "revoked by " + operator.subject() : reason);
        return grant(id).toMap();
    }

    /** Answers "would this call be allowed?" without making it: every check and its result. */
    @Get("/{id}/explain")
    public Map<String, Object> explain(HttpRequest<?> request, @PathVariable String id, @Nullable @QueryValue String instance,
                                       @Nullable @QueryValue String network, @Nullable @QueryValue("source_ip") String sourceIp,
                                       @Nullable @QueryValue String permission) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
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
                : scopes(List.of(permission)).iterator().next();
        Decision d = grantAuthorizer.explain(g,
                new AccessRequest(p, instance, network, source, clock.instant()));
        List<Map<String, Object>> checks = new ArrayList<>();
        for (Check c : d.checks()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("check", c.check());
            m.put("ok", c.ok());
            m.put("detail", c.detail());
            checks.add(m);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("applies", d.applies());
        out.put("code", d.code() == null ? null : d.code().code());
        out.put("checks", checks);
        return out;
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

    static Set<dev.entente.federation.grant.Permission> scopes(List<String> names) {
        Set<dev.entente.federation.grant.Permission> out = EnumSet.noneOf(dev.entente.federation.grant.Permission.class);
        for (String n : names) {
            switch (n) {
                case "read" -> out.add(dev.entente.federation.grant.Permission.READ);
                case "write" -> out.add(dev.entente.federation.grant.Permission.WRITE);
                default -> throw new EntenteException(ErrorCode.INVALID_REQUEST, "scopes are read and write, not " + n);
            }
        }
        return out;
    }
}
