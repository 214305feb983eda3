package dev.entente.controlplane.api.federation;

import dev.entente.controlplane.metrics.HubMetrics;
import dev.entente.federation.access.FederationAccessCache;
import dev.entente.federation.access.PeerAuthenticator;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import java.time.Clock;
import dev.entente.controlplane.api.RequestBodies;
import dev.entente.client.request.resource.ResourceRequest;
import dev.entente.federation.access.FederationCaller;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.grant.AccessRequest;
import dev.entente.federation.grant.Decision;
import dev.entente.federation.grant.Permission;
import dev.entente.federation.resource.Resource;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.json.JsonMapper;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * {@code /federation/v1/resources}: this hub's exported resources, to a peer holding a grant.
 * A call needs both the peer's mTLS certificate (401 otherwise) and a grant of that same peer in
 * {@code Authorization: Bearer fg-...} (401 when unknown or another peer's); a known grant that
 * does not apply is a 403 naming what failed. Caller context: {@code Federation-Instance-Id},
 * {@code Federation-Network-Id} and the connection's source address. Every refusal is audited
 * (by the exception handler) and counted by code, as is every success.
 */
@Controller("/federation/v1/resources")
public class FederationResourcesController {
    public static final String INSTANCE_HEADER = "Federation-Instance-Id";
    public static final String NETWORK_HEADER = "Federation-Network-Id";
    private final FederationAccessCache accessCache;
    private final ResourceRepository resources;
    private final Tx tx;
    private final AuditLog audit;
    private final PeerAuthenticator peerAuthenticator;
    private final GrantAuthorizer grantAuthorizer;
    private final Clock clock;
    private final HubMetrics metrics;
    private final JsonMapper json;

    public FederationResourcesController(FederationAccessCache accessCache, ResourceRepository resources, Tx tx, AuditLog audit, PeerAuthenticator peerAuthenticator, GrantAuthorizer grantAuthorizer, Clock clock, HubMetrics metrics, JsonMapper json) {
        this.accessCache = accessCache;
        this.resources = resources;
        this.tx = tx;
        this.audit = audit;
        this.peerAuthenticator = peerAuthenticator;
        this.grantAuthorizer = grantAuthorizer;
        this.clock = clock;
        this.metrics = metrics;
        this.json = json;
    }

    @Get
    public List<Resource> list(HttpRequest<?> request) {
        return decided(() -> {
            Grant grant = authorize(request, Permission.READ);
            String instance = request.getHeaders().get(INSTANCE_HEADER);
            String network = request.getHeaders().get(NETWORK_HEADER);
            return accessCache.resources(resources::list).stream()
                    .filter(r -> visible(grant, r))
                    .filter(r -> instance == null || instance.equals(r.instanceId()))
                    .filter(r -> network == null || network.equals(r.networkId()))
                    .toList();
        });
    }

    @Get("/{kind}/{name}")
    public Resource get(HttpRequest<?> request, @PathVariable String kind, @PathVariable String name) {
        return decided(() -> {
            Grant grant = authorize(request, Permission.READ);
            // Out of scope reads as absent: a grant must not reveal what it does not cover.
            ResourceRepository.validate(kind, name);
            return accessCache.resource(kind, name, () -> resources.get(kind, name)).filter(r -> visible(grant, r))
                    .orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND, "no resource " + kind + "/" + name + " in your grant's scope"));
        });
    }

    @Put("/{kind}/{name}")
    public Resource put(HttpRequest<?> request, @PathVariable String kind, @PathVariable String name,
                        @Nullable @Body byte[] body) {
        return decided(() -> {
            Grant grant = authorize(request, Permission.WRITE);
            // Read only now: a caller without a certificate and grant learns nothing from the body's checks.
            ResourceRequest put = RequestBodies.read(json, body, ResourceRequest.class);
            String instance = put.instanceId();
            String network = put.networkId();
            if (!placeable(grant.instanceIds(), instance) || !placeable(grant.networkIds(), network)) {
                throw new EntenteException(ErrorCode.GRANT_SCOPE_MISMATCH, "the resource's instance " + instance
                        + " / network " + network + " is outside the grant's instances " + grant.instanceIds()
                        + " / networks " + grant.networkIds());
            }
            Resource r = resources.put(kind, name, instance, network, put.attributes());
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.RESOURCE_PUT, "peer:" + grant.peerId(),
                    kind + "/" + name, Map.of("grant_id", grant.id().toString()))));
            return r;
        });
    }

    private Grant authorize(HttpRequest<?> request, Permission permission) {
        FederationCaller caller = peerAuthenticator.authenticate(request.getCertificate());
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
        Grant grant = grantAuthorizer.authenticate(token, caller.peer().id());
        InetAddress source = request.getRemoteAddress().getAddress();
        Decision d = grantAuthorizer.decide(grant, new AccessRequest(permission,
                request.getHeaders().get(INSTANCE_HEADER), request.getHeaders().get(NETWORK_HEADER), source,
                clock.instant()));
        if (!d.applies()) {
            throw new EntenteException(d.code(), d.detail());
        }
        return grant;
    }

    /** A resource is visible when its instance and network are inside the grant's lists (empty = any). */
    private static boolean visible(Grant grant, Resource r) {
        return placeable(grant.instanceIds(), r.instanceId()) && placeable(grant.networkIds(), r.networkId());
    }

    private static boolean placeable(List<String> allowed, String value) {
        return allowed.isEmpty() || (value != null && allowed.contains(value));
    }

    private interface Call<T> {
        T run();
    }

    /** Counts the decision (ok, or the refusal's code) for the metrics, then returns or rethrows. */
    private <T> T decided(Call<T> call) {
        try {
            T result = call.run();
            metrics.federationDecision("ok");
            return result;
        } catch (EntenteException e) {
            metrics.federationDecision(e.code().code());
            throw e;
        }
    }
}
