package dev.entente.controlplane.ui;

import dev.entente.controlplane.federation.FederationService;
import dev.entente.federation.command.AcceptPeer;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.NewAcceptanceToken;
import dev.entente.federation.command.ProposePeer;
import dev.entente.federation.command.RepinPeer;
import dev.entente.federation.command.ResumePeer;
import dev.entente.federation.command.RevokePeer;
import dev.entente.federation.command.SuspendPeer;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import dev.entente.federation.peer.Peer;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;

/**
 * Peers: each link's state, last heartbeat, degraded reason and node certificate; propose (the
 * acceptance token shown once), accept a token from another hub, and per peer a new token,
 * suspend, resume, revoke and re-pin: the admin API's peer commands, through the approval gate.
 */
@Controller(ConsoleView.HOME + "/peers")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class PeersPage {
    private static final String PEERS = ConsoleView.HOME + "/peers";
    private final ConsoleView view;
    private final ConsoleActions actions;
    private final FederationService federation;
    private final HeartbeatCoalescer heartbeats;
    private final Clock clock;

    public PeersPage(ConsoleView view, ConsoleActions actions, FederationService federation, HeartbeatCoalescer heartbeats,
                     Clock clock) {
        this.view = view;
        this.actions = actions;
        this.federation = federation;
        this.heartbeats = heartbeats;
        this.clock = clock;
    }

    /** One peer as the pages show it. */
    public record PeerRow(String id, String name, String hubId, String url, String state, String lastHeartbeatAge,
                          String degradedReason, String suspendedReason, String revokedReason, String certSerial,
                          String certNotAfter, String certExpiresIn, String certSigner, String fingerprints,
                          String tokenExpiresIn) {
        static PeerRow of(Peer p, Instant now) {
            return new PeerRow(p.id().toString(), p.name(), p.hubId(), p.url(), p.state().value(),
                    Ages.since(p.lastHeartbeatAt(), now), p.degradedReason(), p.suspendedReason(), p.revokedReason(),
                    p.nodeCertSerial(), p.nodeCertNotAfter() == null ? null : p.nodeCertNotAfter().toString(),
                    Ages.until(p.nodeCertNotAfter(), now), p.nodeCertSignerFingerprint(),
                    String.join(", ", p.pinnedFingerprints()), Ages.until(p.tokenExpiresAt(), now));
        }
    }

    @Get
    public HttpResponse<?> list(HttpRequest<?> request) {
        return actions.attempt(request, () -> {
            heartbeats.flushQuietly(); // heartbeat times include the buffered ones
            Instant now = clock.instant();
            Map<String, Object> model = view.model(request, "peers");
            model.put("peers", federation.peers().list().stream().map(p -> PeerRow.of(p, now)).toList());
            return view.page(request, "peers", model);
        });
    }

    @Get("/{id}")
    public HttpResponse<?> show(HttpRequest<?> request, @PathVariable String id) {
        return actions.attempt(request, () -> {
            heartbeats.flushQuietly();
            Map<String, Object> model = view.model(request, "peers");
            model.put("peer", PeerRow.of(federation.peer(id), clock.instant()));
            return view.page(request, "peer", model);
        });
    }

    @Post
    public HttpResponse<?> propose(HttpRequest<?> request) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new ProposePeer(form.get("name"), form.get("ttl")), result -> {
            CommandResult.PeerProposed proposed = (CommandResult.PeerProposed) result;
            return actions.secret(request, "peers", "Peer " + proposed.peer().name() + " proposed",
                    "Give this acceptance token to the other hub's operator ('entente peers accept --token ...' there, or "
                            + "Accept on its console). It is shown once: this hub keeps only its digest.",
                    "propose-token", proposed.acceptanceToken(), PEERS + "/" + proposed.peer().id());
        });
    }

    @Post("/accept")
    public HttpResponse<?> accept(HttpRequest<?> request) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new AcceptPeer(form.get("token"), form.get("name")), result ->
                ConsoleView.seeOther(PEERS + "/" + ((CommandResult.PeerChanged) result).peer().id() + "?done=accepted"));
    }

    @Post("/{id}/token")
    public HttpResponse<?> token(HttpRequest<?> request, @PathVariable String id) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new NewAcceptanceToken(peerId(id), form.get("ttl")), result -> {
            CommandResult.PeerProposed proposed = (CommandResult.PeerProposed) result;
            return actions.secret(request, "peers", "New acceptance token for " + proposed.peer().name(),
                    "The previous token no longer works. This one is shown once.", "propose-token",
                    proposed.acceptanceToken(), PEERS + "/" + proposed.peer().id());
        });
    }

    @Post("/{id}/suspend")
    public HttpResponse<?> suspend(HttpRequest<?> request, @PathVariable String id) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new SuspendPeer(peerId(id), form.get("reason")), result -> done(result, "suspended"));
    }

    @Post("/{id}/resume")
    public HttpResponse<?> resume(HttpRequest<?> request, @PathVariable String id) {
        return actions.submit(request, () -> new ResumePeer(peerId(id)), result -> done(result, "resumed"));
    }

    @Post("/{id}/revoke")
    public HttpResponse<?> revoke(HttpRequest<?> request, @PathVariable String id) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new RevokePeer(peerId(id), form.get("reason")), result -> done(result, "revoked"));
    }

    @Post("/{id}/repin")
    public HttpResponse<?> repin(HttpRequest<?> request, @PathVariable String id) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.submit(request, () -> new RepinPeer(peerId(id), form.get("fingerprint")), result -> done(result, "repinned"));
    }

    private static HttpResponse<?> done(CommandResult result, String what) {
        return ConsoleView.seeOther(PEERS + "/" + ((CommandResult.PeerChanged) result).peer().id() + "?done=" + what);
    }

    // Commands name a peer by id: an approval that waits must not follow a name to another peer.
    private String peerId(String idOrName) {
        return federation.peer(idOrName).id().toString();
    }
}
