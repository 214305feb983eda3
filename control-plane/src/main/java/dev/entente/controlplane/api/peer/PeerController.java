package dev.entente.controlplane.api.peer;

import dev.entente.controlplane.api.Bodies;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.approval.ApprovalGate;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.hub.Durations;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.Permission;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import dev.entente.federation.peer.Peer;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
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

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/peers}: propose, accept, list, show, token, suspend, resume, revoke, repin. */
@Controller("/api/v1/peers")
public class PeerController {
    private final ApprovalGate approvals;
    private final AuditLog audit;
    private final Clock clock;
    private final FederationService federation;
    private final HeartbeatCoalescer heartbeats;
    private final HubSettings settings;
    private final Tx tx;

    public PeerController(ApprovalGate approvals, AuditLog audit, Clock clock, FederationService federation,
                          HeartbeatCoalescer heartbeats, HubSettings settings, Tx tx) {
        this.approvals = approvals;
        this.audit = audit;
        this.clock = clock;
        this.federation = federation;
        this.heartbeats = heartbeats;
        this.settings = settings;
        this.tx = tx;
    }

    @Get
    public List<Map<String, Object>> list(HttpRequest<?> request, @Nullable @QueryValue Boolean detail) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        heartbeats.flushQuietly(); // heartbeat counters and times include the buffered ones
        Instant now = clock.instant();
        return federation().peers().list().stream().map(p -> Boolean.TRUE.equals(detail) ? detailed(p, now) : p.toMap()).toList();
    }

    @Get("/{id}")
    public Map<String, Object> show(HttpRequest<?> request, @PathVariable String id) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        heartbeats.flushQuietly(); // heartbeat counters and times include the buffered ones
        return detailed(federation.peer(id), clock.instant());
    }

    @Post
    public HttpResponse<Map<String, Object>> propose(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = write(request);
        String name = Bodies.string(body, "name", true);
        dev.entente.federation.peer.PeerRepository.validateName(name);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("name", name);
        args.put("ttl", Durations.format(ttl(body)));
        return gated("peer.propose", operator, args, true);
    }

    @Post("/{id}/token")
    public Map<String, Object> token(HttpRequest<?> request, @PathVariable String id, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = write(request);
        return proposal(federation().newToken(federation.peer(id).id(), ttl(body), operator.subject()));
    }

    @Post("/accept")
    public HttpResponse<Map<String, Object>> accept(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = write(request);
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("token", Bodies.string(body, "token", true));
        args.put("name", Bodies.string(body, "name", false));
        return gated("peer.accept", operator, args, true);
    }

    @Post("/{id}/suspend")
    public Map<String, Object> suspend(HttpRequest<?> request, @PathVariable String id, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = write(request);
        Peer peer = federation.peer(id);
        federation().lifecycle().suspend(peer.id(), operator.subject(), Bodies.string(body, "reason", false));
        return Map.of("peer", federation.peer(id).toMap());
    }

    @Post("/{id}/resume")
    public Map<String, Object> resume(HttpRequest<?> request, @PathVariable String id) {
        OperatorPrincipal operator = write(request);
        federation().lifecycle().resume(federation.peer(id).id(), operator.subject());
        return Map.of("peer", federation.peer(id).toMap());
    }

    @Post("/{id}/revoke")
    public HttpResponse<Map<String, Object>> revoke(HttpRequest<?> request, @PathVariable String id,
                                                    @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = write(request);
        String reason = Bodies.string(body, "reason", false);
        if (reason == null || reason.isBlank()) {
            throw new EntenteException(ErrorCode.PEER_REASON_REQUIRED, "revoking a peer needs --reason");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("peer_id", federation.peer(id).id().toString());
        args.put("reason", reason);
        return gated("peer.revoke", operator, args, false);
    }

    /** Runs the action now, or answers 202 with the approval request when its policy requires one. */
    private HttpResponse<Map<String, Object>> gated(String action, OperatorPrincipal operator, Map<String, Object> args,
                                                    boolean creates) {
        var outcome = approvals.submit(action, operator, args);
        if (outcome.pending()) {
            return HttpResponse.accepted().body(outcome.body());
        }
        return creates ? HttpResponse.created(outcome.body()) : HttpResponse.ok(outcome.body());
    }

    @Post("/{id}/repin")
    public Map<String, Object> repin(HttpRequest<?> request, @PathVariable String id, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = write(request);
        String fp = Bodies.string(body, "fingerprint", true).toLowerCase().replace(":", "");
        if (!fp.matches("[0-9a-f]{64}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "fingerprint must be the SHA-256 of the peer's certificate: 64 hex digits");
        }
        Peer peer = federation().peers().repin(federation.peer(id).id(), List.of(fp));
        tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.PEER_REPINNED,
                operator.subject(), peer.id().toString(), Map.of("fingerprint", fp))));
        return Map.of("peer", peer.toMap());
    }

    private Map<String, Object> detailed(Peer p, Instant now) {
        Map<String, Object> m = new LinkedHashMap<>(p.toMap());
        m.put("last_heartbeat_age_s", p.lastHeartbeatAt() == null ? null : Duration.between(p.lastHeartbeatAt(), now).toSeconds());
        m.put("heartbeats_sent", p.heartbeatsSent());
        m.put("heartbeats_received", p.heartbeatsReceived());
        m.put("heartbeats_failed", p.heartbeatsFailed());
        m.put("last_heartbeat_error", p.lastHeartbeatError());
        m.put("clock_skew_ms", p.lastClockSkewMs());
        m.put("remote_protocol_version", p.remoteProtocolVersion());
        m.put("remote_ca_phase", p.remoteCaPhase());
        m.put("state_since", p.stateSince() == null ? null : p.stateSince().toString());
        m.put("suspended_reason", p.suspendedReason());
        m.put("revoked_reason", p.revokedReason());
        return m;
    }

    static Map<String, Object> proposal(FederationService.Proposal p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("peer", p.peer().toMap());
        m.put("acceptance_token", p.acceptanceToken());
        return m;
    }

    private Duration ttl(Map<String, Object> body) {
        String ttl = Bodies.string(body, "ttl", false);
        return ttl == null ? settings.acceptanceTtl() : Durations.parse("ttl", ttl, FederationService.MAX_TOKEN_TTL);
    }

    private static OperatorPrincipal write(HttpRequest<?> request) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        operator.require(Permission.WRITE);
        return operator;
    }

    private FederationService federation() {
        return federation;
    }
}
