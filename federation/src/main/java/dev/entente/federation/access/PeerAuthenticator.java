package dev.entente.federation.access;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.crypto.Certificates;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Who is calling the federation API: the client certificate the TLS layer received, checked by
 * {@link PeerAuthentication} (the certificate → peer mapping). Each refusal is its own code, which
 * the HTTP layer answers with a 401.
 *
 * <p>An admitted certificate is remembered in the {@link FederationAccessCache} (which drops it
 * the moment the peer, the certificate or the CA changes), so that a keep-alive connection
 * costs no SQL per request; validity is still checked against the clock on every request.
 */
public final class PeerAuthenticator {
    private final Clock clock;
    private final CertificateAuthority authority;
    private final PeerAuthentication authentication;
    private final FederationAccessCache cache;

    public PeerAuthenticator(Clock clock, CertificateAuthority authority, PeerAuthentication authentication,
                             FederationAccessCache cache) {
        this.clock = clock;
        this.authority = authority;
        this.authentication = authentication;
        this.cache = cache;
    }

    /** The caller, from the cache when it holds the certificate (heartbeats, resource reads). */
    public FederationCaller authenticate(Optional<Certificate> presented) {
        return authenticate(presented, true);
    }

    /**
     * @param presented the client certificate of the connection, if the client sent one
     * @param cached    false for calls that act on the peer row itself (handshake completion,
     *                  renewal): they read it fresh, and they are rare
     */
    public FederationCaller authenticate(Optional<Certificate> presented, boolean cached) {
        Certificate certificate = presented.orElseThrow(() -> new EntenteException(ErrorCode.PEER_CERT_REQUIRED,
                "the federation API needs the client certificate this hub issued to your hub at enrollment"));
        if (!(certificate instanceof X509Certificate leaf)) {
            throw new EntenteException(ErrorCode.CLIENT_CERT_UNTRUSTED, "the client certificate is not X.509");
        }
        Instant now = clock.instant();
        if (!cached) {
            return verify(leaf, now);
        }
        FederationCaller hit = cache.caller(leaf, now);
        if (hit != null) {
            return hit;
        }
        long generation = cache.generation();
        FederationCaller caller = verify(leaf, now);
        if (cache.live() && caller.peer().state().cachesFederationCalls()) {
            remember(leaf, caller, generation);
        }
        return caller;
    }

    /**
     * Fills the cache with the current node certificate of every peer whose calls it caches, so
     * that after a restart a returning peer's first request takes the cached path instead of the
     * chain check and its reads. Entries are filled exactly as a request's would be, and a change
     * committed while the reads run voids them all ({@link FederationAccessCache#generation()}).
     *
     * @return how many admitted certificates were read (0 while the cache is not live)
     */
    public int warmUp() {
        if (!cache.live()) {
            return 0;
        }
        long generation = cache.generation();
        int read = 0;
        for (PeerAuthentication.Admitted a : authentication.admittedPeers(clock.instant())) {
            Instant from = later(a.leaf().getNotBefore().toInstant(), a.issuer().getNotBefore().toInstant());
            Instant until = earlier(a.leaf().getNotAfter().toInstant(), a.issuer().getNotAfter().toInstant());
            cache.rememberCaller(a.leaf(), new FederationAccessCache.CallerEntry(a.caller(), from, until, System.nanoTime()),
                    generation);
            read++;
        }
        return read;
    }

    /** Validity window of the leaf and of the CA certificate it chains to, for the per-request clock check. */
    private void remember(X509Certificate leaf, FederationCaller caller, long generation) {
        Instant from = leaf.getNotBefore().toInstant();
        Instant until = leaf.getNotAfter().toInstant();
        for (X509Certificate ca : authority.trustedCertificates()) {
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

    private FederationCaller verify(X509Certificate leaf, Instant now) {
        return authentication.verify(leaf, now);
    }
}
