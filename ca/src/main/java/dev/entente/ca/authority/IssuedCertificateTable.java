package dev.entente.ca.authority;

import io.micronaut.data.jdbc.annotation.JdbcRepository;
import io.micronaut.data.model.Sort;
import io.micronaut.data.model.query.builder.sql.Dialect;
import io.micronaut.data.repository.GenericRepository;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The queries Micronaut Data writes for {@code issued_certificates}; reached through {@link CertificateAuthority}. */
@JdbcRepository(dialect = Dialect.POSTGRES)
public interface IssuedCertificateTable extends GenericRepository<IssuedCertificateRow, String> {

    IssuedCertificateRow save(IssuedCertificateRow row);

    Optional<IssuedCertificateRow> findById(String serial);

    Optional<IssuedCertificateRow> findByFingerprint(String fingerprint);

    List<IssuedCertificateRow> findByPeerId(String peerId, Sort sort);

    /** Peers holding a live certificate signed by {@code signerFingerprint}: the rotation's laggards. */
    List<String> findDistinctPeerIdBySignerFingerprintAndRevokedAtIsNullAndNotAfterGreaterThanOrderByPeerId(
            String signerFingerprint, Instant notAfter);

    /** Revokes {@code serial} unless it already is; the count says whether it was. */
    long updateBySerialAndRevokedAtIsNull(String serial, Instant revokedAt, String revocationReason);
}
