package dev.entente.controlplane.api.federation;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.federation.access.FederationCaller;
import dev.entente.federation.access.PeerAuthenticator;
import dev.entente.federation.protocol.FederationJson;
import dev.entente.federation.protocol.HandshakeAccept;
import dev.entente.federation.protocol.HandshakeAcceptAnswer;
import dev.entente.federation.protocol.HandshakeComplete;
import dev.entente.federation.protocol.HandshakeCompleteAnswer;
import dev.entente.federation.protocol.ReenrolRequest;
import dev.entente.federation.protocol.Heartbeat;
import dev.entente.federation.protocol.HeartbeatAnswer;
import dev.entente.federation.protocol.RenewalAnswer;
import dev.entente.federation.protocol.RenewalRequest;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;

import java.security.cert.X509Certificate;
import java.util.Optional;

/**
 * The hub-to-hub API on the same port as everything else. {@code /handshake/accept} is the only
 * call without a client certificate (the accepter has none yet; the acceptance token
 * authenticates it), and {@code /reenroll} takes a dead one with a re-enrolment token; every other
 * call needs the peer's mTLS certificate.
 */
@Controller("/federation/v1")
public class FederationController {
    private final HubIdentity hub;
    private final FederationService federation;
    private final PeerAuthenticator peerAuthenticator;

    public FederationController(HubIdentity hub, FederationService federation, PeerAuthenticator peerAuthenticator) {
        this.hub = hub;
        this.federation = federation;
        this.peerAuthenticator = peerAuthenticator;
    }

    /**
     * {@code GET /federation/v1/ping}: answers without touching the database or checking the
     * client certificate. Tells "reachable, TLS fine" apart from application errors, and is the
     * no-op baseline the heartbeat benchmark measures against.
     */
    @Get("/ping")
    public Pong ping() {
        return new Pong(FederationService.PROTOCOL_VERSION, hub.hubId());
    }

    /** The answer to {@code /ping}: the protocol this hub speaks and its hub id. */
    public record Pong(@JsonProperty("protocol_version") int protocolVersion, @JsonProperty("hub_id") String hubId) {
    }

    @Post("/handshake/accept")
    public HandshakeAcceptAnswer accept(@Nullable @Body HandshakeAccept body) {
        return federation().handshakeAccept(orEmpty(body, HandshakeAccept.class));
    }

    @Post("/handshake/complete")
    public HandshakeCompleteAnswer complete(HttpRequest<?> request, @Nullable @Body HandshakeComplete body) {
        FederationCaller caller = authenticator().authenticate(request.getCertificate(), false);
        return federation().handshakeComplete(caller.peer(), caller.certificate(), orEmpty(body, HandshakeComplete.class));
    }

    @Post("/heartbeat")
    public HeartbeatAnswer heartbeat(HttpRequest<?> request, @Nullable @Body Heartbeat body) {
        FederationCaller caller = authenticator().authenticate(request.getCertificate());
        return federation().receiveHeartbeat(caller.peer(), caller.certificate(), orEmpty(body, Heartbeat.class));
    }

    @Post("/renew")
    public RenewalAnswer renew(HttpRequest<?> request, @Nullable @Body RenewalRequest body) {
        FederationCaller caller = authenticator().authenticate(request.getCertificate(), false);
        return federation().handleRenew(caller.peer(), caller.certificate(), orEmpty(body, RenewalRequest.class));
    }

    /** A request without a body reads as one with every field missing: refused for its protocol version. */
    private static <T> T orEmpty(T body, Class<T> type) {
        return body != null ? body : FederationJson.read(null, type);
    }

    /**
     * A locked-out peer's re-enrolment: the token authenticates it, together with its dead node
     * certificate as client certificate, which mTLS would refuse on every other route.
     */
    @Post("/reenroll")
    public HandshakeAcceptAnswer reenroll(HttpRequest<?> request, @Nullable @Body ReenrolRequest body) {
        Optional<X509Certificate> presented = request.getCertificate()
                .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast);
        return federation().handleReenrol(orEmpty(body, ReenrolRequest.class), presented);
    }

    private FederationService federation() {
        return federation;
    }

    private PeerAuthenticator authenticator() {
        return peerAuthenticator;
    }
}
