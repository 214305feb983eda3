package dev.entente.controlplane.api.peer;

import dev.entente.client.request.peer.AcceptRequest;
import dev.entente.client.request.peer.ProposeRequest;
import dev.entente.client.request.peer.ReenrolmentRequest;
import dev.entente.client.request.peer.RepinRequest;
import dev.entente.client.request.peer.TtlRequest;
import dev.entente.client.request.peer.UrlRequest;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import java.time.Clock;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.client.request.ReasonRequest;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.command.AcceptPeer;
import dev.entente.federation.command.NewAcceptanceToken;
import dev.entente.federation.command.NewReenrolmentToken;
import dev.entente.federation.command.OperatorCommand;
import dev.entente.federation.command.ProposePeer;
import dev.entente.federation.command.ReenrolPeer;
import dev.entente.federation.command.RepinPeer;
import dev.entente.federation.command.ResumePeer;
import dev.entente.federation.command.RevokePeer;
import dev.entente.federation.command.SetPeerUrl;
import dev.entente.federation.command.SuspendPeer;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** {@code /api/v1/peers}: propose, accept, list, show, token, suspend, resume, revoke, repin, url, reenroll. */
@Controller("/api/v1/peers")
public class PeerController {
    private final HeartbeatCoalescer heartbeats;
    private final Clock clock;
    private final FederationService federation;
    private final ApprovalGate approvals;

    public PeerController(HeartbeatCoalescer heartbeats, Clock clock, FederationService federation, ApprovalGate approvals) {
        this.heartbeats = heartbeats;
        this.clock = clock;
        this.federation = federation;
        this.approvals = approvals;
    }

    @Get
    public List<Object> list(HttpRequest<?> request, @Nullable @QueryValue Boolean detail) {
        heartbeats.flushQuietly(); // heartbeat counters and times include the buffered ones
        Instant now = clock.instant();
        return federation().peers().list().stream()
                .<Object>map(p -> Boolean.TRUE.equals(detail) ? PeerDetail.of(p, now) : p.view()).toList();
    }

    @Get("/{id}")
    public PeerDetail show(HttpRequest<?> request, @PathVariable String id) {
        heartbeats.flushQuietly(); // heartbeat counters and times include the buffered ones
        return PeerDetail.of(federation.peer(id), clock.instant());
    }

    @Post
    public HttpResponse<Object> propose(HttpRequest<?> request, @Nullable @Body ProposeRequest body) {
        OperatorPrincipal operator = write(request);
        ProposeRequest proposal = Objects.requireNonNullElse(body, ProposeRequest.EMPTY);
        return gated(new ProposePeer(proposal.name(), proposal.ttl()), operator, true);
    }

    @Post("/{id}/token")
    public Object token(HttpRequest<?> request, @PathVariable String id, @Nullable @Body TtlRequest body) {
        OperatorPrincipal operator = write(request);
        String ttl = Objects.requireNonNullElse(body, TtlRequest.EMPTY).ttl();
        return gated(new NewAcceptanceToken(peerId(id), ttl), operator, false).body();
    }

    @Post("/accept")
    public HttpResponse<Object> accept(HttpRequest<?> request, @Nullable @Body AcceptRequest body) {
        OperatorPrincipal operator = write(request);
        AcceptRequest acceptance = Objects.requireNonNullElse(body, AcceptRequest.EMPTY);
        return gated(new AcceptPeer(acceptance.token(), acceptance.name()), operator, true);
    }

    @Post("/{id}/suspend")
    public Object suspend(HttpRequest<?> request, @PathVariable String id, @Nullable @Body ReasonRequest body) {
        OperatorPrincipal operator = write(request);
        String reason = Objects.requireNonNullElse(body, ReasonRequest.EMPTY).reason();
        return gated(new SuspendPeer(peerId(id), reason), operator, false).body();
    }

    @Post("/{id}/resume")
    public Object resume(HttpRequest<?> request, @PathVariable String id) {
        OperatorPrincipal operator = write(request);
        return gated(new ResumePeer(peerId(id)), operator, false).body();
    }

    @Post("/{id}/revoke")
    public HttpResponse<Object> revoke(HttpRequest<?> request, @PathVariable String id,
                                                    @Nullable @Body ReasonRequest body) {
        OperatorPrincipal operator = write(request);
        String reason = Objects.requireNonNullElse(body, ReasonRequest.EMPTY).reason();
        return gated(new RevokePeer(peerId(id), reason), operator, false);
    }

    /** Runs the command now, or answers 202 with the approval request when its policy requires one. */
    private HttpResponse<Object> gated(OperatorCommand command, OperatorPrincipal operator, boolean creates) {
        var outcome = approvals.submit(command, operator.approvalOperator());
        if (outcome.pending()) {
            return HttpResponse.accepted().body(outcome.body());
        }
        return creates ? HttpResponse.created(outcome.body()) : HttpResponse.ok(outcome.body());
    }

    @Post("/{id}/repin")
    public Object repin(HttpRequest<?> request, @PathVariable String id, @Nullable @Body RepinRequest body) {
        OperatorPrincipal operator = write(request);
        String fingerprint = Objects.requireNonNullElse(body, RepinRequest.EMPTY).fingerprint();
        return gated(new RepinPeer(peerId(id), fingerprint), operator, false).body();
    }

    /** The URL this hub calls the peer at; the link keeps its identity, and the next heartbeat re-pins. */
    @Post("/{id}/url")
    public HttpResponse<Object> setUrl(HttpRequest<?> request, @PathVariable String id,
                                                    @Nullable @Body UrlRequest body) {
        OperatorPrincipal operator = write(request);
        String url = Objects.requireNonNullElse(body, UrlRequest.EMPTY).url();
        return gated(new SetPeerUrl(peerId(id), url), operator, false);
    }

    /**
     * On the hub that issued a dead node certificate: a one-time re-enrolment token for the peer,
     * named by id, name or hub id (the locked-out hub's doctor knows only the last).
     */
    @Post("/{id}/reenroll")
    public HttpResponse<Object> reenrolmentToken(HttpRequest<?> request, @PathVariable String id,
                                                            @Nullable @Body TtlRequest body) {
        OperatorPrincipal operator = write(request);
        String peerId = federation.peers().findByHubId(id).map(p -> p.id().toString()).orElseGet(() -> peerId(id));
        String ttl = Objects.requireNonNullElse(body, TtlRequest.EMPTY).ttl();
        return gated(new NewReenrolmentToken(peerId, ttl), operator, false);
    }

    /** On the locked-out hub: trade the other hub's re-enrolment token for fresh node certificates. */
    @Post("/reenroll")
    public HttpResponse<Object> reenroll(HttpRequest<?> request, @Nullable @Body ReenrolmentRequest body) {
        OperatorPrincipal operator = write(request);
        return gated(new ReenrolPeer(Objects.requireNonNullElse(body, ReenrolmentRequest.EMPTY).token()), operator, false);
    }

    // Commands name a peer by id: an approval that waits must not follow a name to another peer.
    private String peerId(String idOrName) {
        return federation.peer(idOrName).id().toString();
    }

    private static OperatorPrincipal write(HttpRequest<?> request) {
        return OperatorAuthFilter.principal(request);
    }

    private FederationService federation() {
        return federation;
    }
}
