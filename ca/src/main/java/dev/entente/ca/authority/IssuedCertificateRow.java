package dev.entente.ca.authority;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.data.annotation.Id;
import io.micronaut.data.annotation.MappedEntity;

import java.time.Instant;

/** A row of {@code issued_certificates} as Micronaut Data maps it; {@link IssuedCertificates} turns it into an {@link IssuedCertificate}. */
@MappedEntity("issued_certificates")
public record IssuedCertificateRow(@Id String serial, String fingerprint, String caType, String peerId, String subject,
                                   String signerFingerprint, Instant notBefore, Instant notAfter, String certificate,
                                   @Nullable Instant revokedAt, @Nullable String revocationReason, Instant createdAt) {

    static IssuedCertificateRow of(IssuedCertificate cert, String caType, Instant createdAt) {
        return new IssuedCertificateRow(cert.serial(), cert.fingerprint(), caType, cert.peerId(), cert.subject(),
                cert.signerFingerprint(), cert.notBefore(), cert.notAfter(), cert.certificatePem(), null, null, createdAt);
    }

    IssuedCertificate toIssuedCertificate() {
        return new IssuedCertificate(serial, fingerprint, peerId, subject, signerFingerprint, notBefore, notAfter,
                certificate, revokedAt, revocationReason, createdAt);
    }
}
