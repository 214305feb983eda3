package dev.entente.ca.authority;

import dev.entente.ca.crypto.Certificates;

import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The federation CA certificates a hub trusts for client certificates right now: the signing
 * key's, plus the standby's during a rotation. What peers receive at the handshake and what
 * {@code openssl verify -CAfile} takes.
 *
 * @param certificates the trusted CA certificates, old key first during a rotation
 */
public record TrustBundle(List<X509Certificate> certificates) {
    public TrustBundle {
        certificates = List.copyOf(certificates);
    }

    /** The bundle as concatenated PEM blocks. */
    public String pem() {
        return certificates.stream().map(Certificates::toPem).collect(Collectors.joining());
    }

    /** The SHA-256 fingerprints of the bundle's certificates, in order. */
    public List<String> fingerprints() {
        return certificates.stream().map(Certificates::fingerprint).toList();
    }
}
