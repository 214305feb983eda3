package dev.entente.controlplane.federation;

import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.UUID;

/**
 * Who is calling the federation API: the TLS layer only proved the caller holds the key of the
 * certificate it presented; here the certificate must chain to this hub's federation CA bundle,
 * be unexpired and unrevoked, map (by its recorded fingerprint) to exactly one peer, and that
 * peer must be neither suspended nor revoked. Each refusal is a 401 with its own code.
 */
public final class PeerAuthenticator {
    private final HubRuntime hub;
    private final PeerRepository peers;

    public PeerAuthenticator(HubRuntime hub, PeerRepository peers) {
        this.hub = hub;
        this.peers = peers;
    }

    /** The calling peer and the certificate it used. */
    public record Caller(Peer peer, IssuedCertificate certificate) {
    }

    public Caller authenticate(HttpRequest<?> request) {
        Certificate presented = request.getCertificate().orElseThrow(() -> new EntenteException(ErrorCode.PEER_CERT_REQUIRED,
                "the federation API needs the client certificate this hub issued to your hub at enrollment"));
        if (!(presented instanceof X509Certificate leaf)) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_UNTRUSTED, "the client certificate is not X.509");
        }
        IssuedCertificate issued = hub.authority().verifyClientChain(leaf, hub.clock().instant());
        UUID peerId;
        try {
            peerId = UUID.fromString(issued.peerId());
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_UNKNOWN, "the certificate maps to no peer");
        }
        Peer peer = peers.find(peerId).orElseThrow(() -> new EntenteException(ErrorCode.CLIENT_CERT_UNKNOWN,
                "the certificate maps to no peer of this hub"));
        return switch (peer.state()) {
            case SUSPENDED -> throw new EntenteException(ErrorCode.PEER_SUSPENDED, "peer " + peer.name()
                    + " is suspended on this hub (" + peer.suspendedReason() + "); its calls are refused until resumed");
            case REVOKED -> throw new EntenteException(ErrorCode.PEER_REVOKED, "peer " + peer.name()
                    + " is revoked on this hub; link again with a new acceptance token");
            case PROPOSED -> throw new EntenteException(ErrorCode.CLIENT_CERT_UNKNOWN, "the certificate maps to a peer that was never accepted");
            case ACCEPTED, ENROLLED, ACTIVE, DEGRADED -> new Caller(peer, issued);
        };
    }
}
