package dev.entente.controlplane.federation;

import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.ca.crypto.Certificates;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.UUID;

/**
 * Who is calling the federation API: the TLS layer only proved the caller holds the key of the
 * certificate it presented; here the certificate must chain to this hub's federation CA bundle,
 * be unexpired and unrevoked, map (by its recorded fingerprint) to exactly one peer, and that
 * peer must be neither suspended nor revoked. Each refusal is a 401 with its own code.
 *
 * <p>An admitted certificate is remembered in the {@link FederationAccessCache} (which drops it
 * the moment the peer, the certificate or the CA changes), so that a keep-alive connection
 * costs no SQL per request; validity is still checked against the clock on every request.
 */
public final class PeerAuthenticator {
    private final HubRuntime hub;
    private final PeerRepository peers;
    private final FederationAccessCache cache;

    public PeerAuthenticator(HubRuntime hub, PeerRepository peers, FederationAccessCache cache) {
        this.hub = hub;
        this.peers = peers;
        this.cache = cache;
    }

    /** The calling peer and the certificate it used. */
    public record Caller(Peer peer, IssuedCertificate certificate) {
    }

    /** The caller, from the cache when it holds the certificate (heartbeats, resource reads). */
    public Caller authenticate(HttpRequest<?> request) {
        return authenticate(request, true);
    }

    /**
     * @param cached false for calls that act on the peer row itself (handshake completion,
     *               renewal): they read it fresh, and they are rare
     */
    public Caller authenticate(HttpRequest<?> request, boolean cached) {
        Certificate presented = request.getCertificate().orElseThrow(() -> new EntenteException(ErrorCode.PEER_CERT_REQUIRED,
                "the federation API needs the client certificate this hub issued to your hub at enrollment"));
        if (!(presented instanceof X509Certificate leaf)) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_UNTRUSTED, "the client certificate is not X.509");
        }
        Instant now = hub.clock().instant();
        if (!cached) {
            return verify(leaf, now);
        }
        Caller hit = cache.caller(leaf, now);
        if (hit != null) {
            return hit;
        }
        long generation = cache.generation();
        Caller caller = verify(leaf, now);
        // Only admitted peers in a state the handlers treat alike; accepted (enrollment not
        // complete) and every refusal take the full path, which also words their errors.
        if (cache.live() && switch (caller.peer().state()) {
            case ENROLLED, ACTIVE, DEGRADED -> true;
            case PROPOSED, ACCEPTED, SUSPENDED, REVOKED -> false;
        }) {
            remember(leaf, caller, generation);
        }
        return caller;
    }

    /** Validity window of the leaf and of the CA certificate it chains to, for the per-request clock check. */
    private void remember(X509Certificate leaf, Caller caller, long generation) {
        Instant from = leaf.getNotBefore().toInstant();
        Instant until = leaf.getNotAfter().toInstant();
        for (X509Certificate ca : hub.authority().trustedCertificates()) {
            if (Certificates.fingerprint(ca).equals(caller.certificate().signerFingerprint())) {
                from = later(from, ca.getNotBefore().toInstant());
                until = earlier(until, ca.getNotAfter().toInstant());
                cache.rememberCaller(leaf, new FederationAccessCache.CallerEntry(caller, from, until, System.nanoTime()),
                        generation);
                return;
            }
        }
        // The signer is not in the bundle any more (a rotation finished meanwhile): do not remember.
    }

    private static Instant later(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant earlier(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private Caller verify(X509Certificate leaf, Instant now) {
        IssuedCertificate issued = hub.authority().verifyClientChain(leaf, now);
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
