package dev.entente.federation.protocol;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;
import java.util.Set;

/**
 * Where and as whom this hub calls another hub: its URL, the TLS fingerprints pinned for it, and,
 * once enrolled, the node key and certificate its CA issued us (both null before enrollment).
 */
public record PeerEndpoint(String url, Set<String> pinnedFingerprints, PrivateKey clientKey, X509Certificate clientCert) {
    public PeerEndpoint {
        Objects.requireNonNull(url, "url");
        pinnedFingerprints = Set.copyOf(pinnedFingerprints);
    }

    /** A hub this hub holds no certificate for yet (handshake step 2): the pin is the only trust. */
    public static PeerEndpoint anonymous(String url, String pinnedFingerprint) {
        return new PeerEndpoint(url, Set.of(pinnedFingerprint), null, null);
    }
}
