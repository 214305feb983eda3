package dev.entente.ca.authority;

import dev.entente.ca.crypto.Certificates;

import java.security.cert.X509Certificate;
import java.time.Instant;

/**
 * One row of {@code issued_certificates}: a node certificate the federation CA signed, the peer
 * it belongs to, and whether it was revoked.
 *
 * @param serial            lower-case hex of the 128-bit serial
 * @param fingerprint       SHA-256 of the DER, lower-case hex
 * @param peerId            the peer the certificate was issued to
 * @param subject           the subject DN as issued ({@code CN=<peer hub id>})
 * @param signerFingerprint fingerprint of the CA certificate that signed it
 * @param notBefore         start of validity
 * @param notAfter          end of validity
 * @param certificatePem    the certificate itself
 * @param revokedAt         when it was revoked, or {@code null}
 * @param revocationReason  why, or {@code null}
 * @param createdAt         when it was issued
 */
public record IssuedCertificate(String serial, String fingerprint, String peerId, String subject,
                                String signerFingerprint, Instant notBefore, Instant notAfter,
                                String certificatePem, Instant revokedAt, String revocationReason,
                                Instant createdAt) {

    /** True once revoked. */
    public boolean revoked() {
        return revokedAt != null;
    }

    /** True when unrevoked and within its validity at {@code now}. */
    public boolean isLive(Instant now) {
        return !revoked() && !now.isBefore(notBefore) && now.isBefore(notAfter);
    }

    /** The certificate, parsed. */
    public X509Certificate certificate() {
        return Certificates.parsePem(certificatePem).get(0);
    }
}
