package dev.entente.controlplane.federation;

import dev.entente.federation.protocol.FederationJson;
import dev.entente.federation.protocol.HandshakeAccept;
import dev.entente.federation.protocol.HandshakeAcceptAnswer;
import dev.entente.federation.protocol.HandshakeComplete;
import dev.entente.federation.protocol.HandshakeCompleteAnswer;
import dev.entente.federation.protocol.Heartbeat;
import dev.entente.federation.protocol.HeartbeatAnswer;
import dev.entente.federation.protocol.PeerEndpoint;
import dev.entente.federation.protocol.PeerTransport;
import dev.entente.federation.protocol.RenewalAnswer;
import dev.entente.federation.protocol.ReenrolRequest;
import dev.entente.federation.protocol.RenewalRequest;
import dev.entente.federation.reenrol.ReenrolmentTransport;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;

/**
 * The federation protocol over HTTPS: a {@link PeerClient} per call, pinned to the peer's
 * fingerprints, except for heartbeats to an enrolled peer, which ride its kept-alive
 * {@link PeerConnections} connection (a new {@link PeerClient} when that fails, so a failure
 * reads as it always did). The messages are their own JSON; an answer is read leniently (a missing or
 * mistyped field is null), so the protocol code refuses it in protocol order.
 */
public final class HttpsPeerTransport implements PeerTransport, ReenrolmentTransport {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(8);
    private static final Duration HEARTBEAT_TIMEOUT = Duration.ofSeconds(15);
    private static final String HEARTBEAT = "federation/v1/heartbeat";
    private final Clock clock;
    private final PeerConnections connections;

    /**
     * @param clock       the hub's clock, which judges whether a peer's certificate is inside its validity window
     * @param connections the kept-alive connections heartbeats ride
     */
    public HttpsPeerTransport(Clock clock, PeerConnections connections) {
        this.clock = clock;
        this.connections = connections;
    }

    /** A client for {@code endpoint}: its pins, and our node certificate for it when we hold one. */
    public PeerClient client(PeerEndpoint endpoint) {
        return new PeerClient(endpoint.url(), endpoint.pinnedFingerprints(), endpoint.clientKey(), endpoint.clientCert(),
                CONNECT_TIMEOUT, clock);
    }

    @Override
    public HandshakeAcceptAnswer accept(PeerEndpoint proposer, HandshakeAccept request) {
        return call(proposer, "federation/v1/handshake/accept", request, HandshakeAcceptAnswer.class);
    }

    @Override
    public HandshakeCompleteAnswer complete(PeerEndpoint proposer, HandshakeComplete request) {
        return call(proposer, "federation/v1/handshake/complete", request, HandshakeCompleteAnswer.class);
    }

    @Override
    public HeartbeatAnswer heartbeat(PeerEndpoint peer, Heartbeat heartbeat) {
        if (peer.clientCert() != null) {
            URI base = URI.create(peer.url().endsWith("/") ? peer.url() : peer.url() + "/");
            PeerConnections.Answer answer;
            try {
                answer = connections.post(peer, base.resolve(HEARTBEAT).getRawPath(),
                        FederationJson.mapper().writeValueAsBytes(heartbeat), HEARTBEAT_TIMEOUT);
            } catch (IOException e) {
                // A broken or refused kept-alive connection: the fresh call below either gets
                // through or fails with the code and advice a new connection gives.
                answer = null;
            }
            if (answer != null) {
                return FederationJson.read(PeerClient.answer(base, answer.status(), answer.body()), HeartbeatAnswer.class);
            }
        }
        return call(peer, HEARTBEAT, heartbeat, HeartbeatAnswer.class);
    }

    /** Answers within the proposer's own answer time, so the accepter waiting on it hears why. */
    @Override
    public String ping(PeerEndpoint peer) {
        return new PeerClient(peer.url(), peer.pinnedFingerprints(), null, null, CONNECT_TIMEOUT, clock)
                .get("federation/v1/ping", PING_TIMEOUT).path("hub_id").asText(null);
    }

    @Override
    public RenewalAnswer renew(PeerEndpoint peer, RenewalRequest request) {
        return call(peer, "federation/v1/renew", request, RenewalAnswer.class);
    }

    private <T> T call(PeerEndpoint peer, String path, Object message, Class<T> answer) {
        return FederationJson.read(client(peer).post(path, message), answer);
    }

    @Override
    public HandshakeAcceptAnswer reenrol(PeerEndpoint issuer, ReenrolRequest request) {
        return call(issuer, "federation/v1/reenroll", request, HandshakeAcceptAnswer.class);
    }
}
