package dev.entente.controlplane.api.federation;

import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.federation.FederationWire;
import dev.entente.federation.access.PeerAuthenticator;
import dev.entente.federation.access.FederationCaller;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;

import java.security.cert.X509Certificate;
import java.util.Map;
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
    public Map<String, Object> ping() {
        return Map.of("protocol_version", FederationService.PROTOCOL_VERSION, "hub_id", hub.hubId());
    }

    @Post("/handshake/accept")
    public Map<String, Object> accept(@Nullable @Body Map<String, Object> body) {
        return FederationWire.toJson(federation().handshakeAccept(FederationWire.handshakeAccept(body)));
    }

    @Post("/handshake/complete")
    public Map<String, Object> complete(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        FederationCaller caller = authenticator().authenticate(request.getCertificate(), false);
        return FederationWire.toJson(federation().handshakeComplete(caller.peer(), caller.certificate(),
                FederationWire.handshakeComplete(body)));
    }

    @Post("/heartbeat")
    public Map<String, Object> heartbeat(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        FederationCaller caller = authenticator().authenticate(request.getCertificate());
        return FederationWire.toJson(federation().receiveHeartbeat(caller.peer(), caller.certificate(),
                FederationWire.heartbeat(body)));
    }

    @Post("/renew")
    public Map<String, Object> renew(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        FederationCaller caller = authenticator().authenticate(request.getCertificate(), false);
        return FederationWire.toJson(federation().handleRenew(caller.peer(), caller.certificate(),
                FederationWire.renewalRequest(body)));
    }

    /**
     * A locked-out peer's re-enrolment: the token authenticates it, together with its dead node
     * certificate as client certificate, which mTLS would refuse on every other route.
     */
    @Post("/reenroll")
    public Map<String, Object> reenroll(HttpRequest<?> request, @Nullable @Body Map<String, Object> body) {
        Optional<X509Certificate> presented = request.getCertificate()
                .filter(X509Certificate.class::isInstance).map(X509Certificate.class::cast);
        return FederationWire.toJson(federation().handleReenrol(FederationWire.reenrolRequest(body), presented));
    }

    private FederationService federation() {
        return federation;
    }

    private PeerAuthenticator authenticator() {
        return peerAuthenticator;
    }
}
