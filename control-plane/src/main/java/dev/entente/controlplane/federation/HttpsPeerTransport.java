package dev.entente.controlplane.federation;

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

import java.time.Duration;

/** The federation protocol over HTTPS: a {@link PeerClient} per call, pinned to the peer's fingerprints. */
public final class HttpsPeerTransport implements PeerTransport, ReenrolmentTransport {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** A client for {@code endpoint}: its pins, and our node certificate for it when we hold one. */
    public PeerClient client(PeerEndpoint endpoint) {
        return new PeerClient(endpoint.url(), endpoint.pinnedFingerprints(), endpoint.clientKey(), endpoint.clientCert(),
                CONNECT_TIMEOUT);
    }

    @Override
    public HandshakeAcceptAnswer accept(PeerEndpoint proposer, HandshakeAccept request) {
        return FederationWire.handshakeAcceptAnswer(FederationWire.map(
                client(proposer).post("federation/v1/handshake/accept", FederationWire.toJson(request))));
    }

    @Override
    public HandshakeCompleteAnswer complete(PeerEndpoint proposer, HandshakeComplete request) {
        return FederationWire.handshakeCompleteAnswer(FederationWire.map(
                client(proposer).post("federation/v1/handshake/complete", FederationWire.toJson(request))));
    }

    @Override
    public HeartbeatAnswer heartbeat(PeerEndpoint peer, Heartbeat heartbeat) {
        return FederationWire.heartbeatAnswer(FederationWire.map(
                client(peer).post("federation/v1/heartbeat", FederationWire.toJson(heartbeat))));
    }

    @Override
    public RenewalAnswer renew(PeerEndpoint peer, RenewalRequest request) {
        return FederationWire.renewalAnswer(FederationWire.map(
                client(peer).post("federation/v1/renew", FederationWire.toJson(request))));
    }

    @Override
    public HandshakeAcceptAnswer reenrol(PeerEndpoint issuer, ReenrolRequest request) {
        return FederationWire.handshakeAcceptAnswer(FederationWire.map(
                client(issuer).post("federation/v1/reenroll", FederationWire.toJson(request))));
    }
}
