package dev.entente.federation.access;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The certificate → peer mapping of the federation API: the certificate must chain to this hub's
 * federation CA bundle, be unexpired and unrevoked, map (by its recorded fingerprint) to exactly
 * one peer, and that peer must admit federation calls ({@link Peer#admitFederationCall()}). Each
 * refusal is its own code. The TLS layer has only proved the caller holds the certificate's key.
 */
public final class PeerAuthentication {
    private final CertificateAuthority authority;
    private final PeerRepository peers;

    public PeerAuthentication(CertificateAuthority authority, PeerRepository peers) {
        this.authority = authority;
        this.peers = peers;
    }

    public FederationCaller verify(X509Certificate leaf, Instant now) {
        IssuedCertificate issued = authority.verifyClientChain(leaf, now);
        UUID peerId;
        try {
            peerId = UUID.fromString(issued.peerId());
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_UNKNOWN, "the certificate maps to no peer");
        }
        Peer peer = peers.find(peerId).orElseThrow(() -> new EntenteException(ErrorCode.CLIENT_CERT_UNKNOWN,
                "the certificate maps to no peer of this hub"));
        return new FederationCaller(peer.admitFederationCall(), issued);
    }

    /**
     * What {@link #verify} would answer for the current node certificate of every peer whose calls
     * are cached ({@link dev.entente.federation.peer.PeerState#cachesFederationCalls}), read in a
     * few set-based queries; a certificate it would refuse is left out.
     */
    public List<Admitted> admittedPeers(Instant now) {
        Map<String, Peer> bySerial = new HashMap<>();
        for (Peer peer : peers.listSendingHeartbeats()) {
            if (peer.nodeCertSerial() != null) {
                bySerial.put(peer.nodeCertSerial(), peer);
            }
        }
        if (bySerial.isEmpty()) {
            return List.of();
        }
        List<Admitted> admitted = new ArrayList<>();
        for (CertificateAuthority.AdmittedClient client : authority.admittedClients(bySerial.keySet(), now)) {
            Peer peer = bySerial.get(client.record().serial());
            if (peer.id().toString().equals(client.record().peerId())) {
                admitted.add(new Admitted(client.leaf(), client.issuer(), new FederationCaller(peer, client.record())));
            }
        }
        return admitted;
    }

    /** A certificate {@link #verify} admits, the CA certificate it chains to, and the caller it maps to. */
    public record Admitted(X509Certificate leaf, X509Certificate issuer, FederationCaller caller) {
    }
}
