package dev.entente.controlplane.ui;

import dev.entente.controlplane.federation.FederationService;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.IssueGrant;
import dev.entente.federation.command.RevokeGrant;
import dev.entente.federation.grant.AccessRequest;
import dev.entente.federation.grant.Decision;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.grant.Permission;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerState;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Grants: every grant with its peer, scopes and allow-lists; issue (the bearer token shown once),
 * revoke, and explain: whether a call would be allowed, check by check, without making it.
 */
@Controller(ConsoleView.HOME + "/grants")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class GrantsPage {
    private static final String GRANTS = ConsoleView.HOME + "/grants";
    private final ConsoleView view;
    private final ConsoleActions actions;
    private final FederationService federation;
    private final GrantRepository grants;
    private final GrantAuthorizer authorizer;
    private final Clock clock;

    public GrantsPage(ConsoleView view, ConsoleActions actions, FederationService federation, GrantRepository grants,
                      GrantAuthorizer authorizer, Clock clock) {
        this.view = view;
        this.actions = actions;
        this.federation = federation;
        this.grants = grants;
        this.authorizer = authorizer;
        this.clock = clock;
    }

    /** One grant as the page lists it. */
    public record GrantRow(String id, String peerId, String peer, String state, String scopes, String instances, String networks,
                           String cidrs, String expiresAt, String expiresIn) {
        static GrantRow of(Grant g, Map<UUID, String> peerNames, Instant now) {
            return new GrantRow(g.id().toString(), g.peerId().toString(), peerNames.getOrDefault(g.peerId(), g.peerId().toString()),
                    g.state().value(), g.permissionScopes().stream().map(Permission::value).collect(Collectors.toCollection(TreeSet::new))
                    .stream().collect(Collectors.joining(", ")), any(g.instanceIds()), any(g.networkIds()), any(g.sourceCidrs()),
                    g.expiresAt() == null ? null : g.expiresAt().toString(), Ages.until(g.expiresAt(), now));
        }

        private static String any(java.util.List<String> allowed) {
            return allowed.isEmpty() ? "any" : String.join(", ", allowed);
        }
    }

    /** A peer a grant can be issued to. */
    public record PeerOption(String id, String name) {
    }

    @Get
    public HttpResponse<?> list(HttpRequest<?> request) {
        return actions.attempt(request, () -> {
            Instant now = clock.instant();
            java.util.List<Peer> peers = federation.peers().list();
            Map<UUID, String> names = peers.stream().collect(Collectors.toMap(Peer::id, Peer::name));
            Map<String, Object> model = view.model(request, "grants");
            model.put("grants", grants.list().stream().map(g -> GrantRow.of(g, names, now)).toList());
            model.put("peers", peers.stream().filter(p -> p.state() != PeerState.REVOKED)
                    .map(p -> new PeerOption(p.id().toString(), p.name())).toList());
            return view.page(request, "grants", model);
        });
    }

    @Post
    public HttpResponse<?> issue(HttpRequest<?> request) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new IssueGrant(form.get("peer") == null ? null : federation.peer(form.get("peer")).id().toString(),
                form.all("scopes"), form.list("instances"), form.list("networks"), form.list("cidrs"), form.get("expires_in")), result -> {
            CommandResult.GrantIssued issued = (CommandResult.GrantIssued) result;
            return actions.secret(request, "grants", "Grant issued", "Give this bearer token to the peer's operator, over a "
                    + "channel you trust. It is shown once: this hub keeps only its digest.", "grant-bearer",
                    issued.bearerToken(), GRANTS);
        });
    }

    @Post("/{id}/revoke")
    public HttpResponse<?> revoke(HttpRequest<?> request, @PathVariable String id) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new RevokeGrant(grant(id).id().toString(), form.get("reason")),
                result -> ConsoleView.seeOther(GRANTS + "?done=grant_revoked"));
    }

    /** Would a call with this context be allowed? Every check and its result, as {@code entente grants explain}. */
    @Get("/{id}/explain")
    public HttpResponse<?> explain(HttpRequest<?> request, @PathVariable String id, @Nullable @QueryValue String instance,
                                   @Nullable @QueryValue String network, @Nullable @QueryValue("source_ip") String sourceIp,
                                   @Nullable @QueryValue String permission) {
        return actions.attempt(request, () -> {
            Grant g = grant(id);
            Function<String, String> blankless = s -> s == null || s.isBlank() ? null : s.trim();
            String ip = blankless.apply(sourceIp);
            String perm = blankless.apply(permission);
            Decision d = authorizer.explain(g, new AccessRequest(perm == null ? Permission.READ : IssueGrant.permission(perm),
                    blankless.apply(instance), blankless.apply(network), address(ip), clock.instant()));
            Map<String, Object> model = view.model(request, "grants");
            model.put("grant", GrantRow.of(g, Map.of(g.peerId(), federation.peers().find(g.peerId()).map(Peer::name)
                    .orElse(g.peerId().toString())), clock.instant()));
            model.put("instance", blankless.apply(instance));
            model.put("network", blankless.apply(network));
            model.put("sourceIp", ip);
            model.put("permission", perm == null ? "read" : perm);
            model.put("applies", d.applies());
            model.put("refusal", d.code() == null ? null : d.code().code());
            model.put("checks", d.checks());
            return view.page(request, "explain", model);
        });
    }

    private static InetAddress address(String ip) {
        if (ip == null) {
            return null;
        }
        if (!ip.matches("[0-9A-Fa-f:.]+")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "source_ip must be an IPv4 or IPv6 address, not " + ip);
        }
        try {
            return InetAddress.getByName(ip);
        } catch (UnknownHostException e) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "source_ip must be an IPv4 or IPv6 address, not " + ip);
        }
    }

    private Grant grant(String id) {
        try {
            return grants.find(UUID.fromString(id)).orElseThrow(() -> notFound(id));
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    private static EntenteException notFound(String id) {
        return new EntenteException(ErrorCode.NOT_FOUND, "no grant " + id + "; the grants page lists them");
    }
}
