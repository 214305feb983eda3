package dev.entente.ca.authority;

import io.micronaut.data.model.Sort;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The {@code issued_certificates} table. Every method runs in the caller's unit of the
 * {@link dev.entente.lifecycle.db.Tx} whose bean context made the generated repository.
 */
final class IssuedCertificates {
    private static final Sort OLDEST_FIRST = Sort.of(Sort.Order.asc("createdAt"), Sort.Order.asc("serial"));

    private final IssuedCertificateTable rows;

    IssuedCertificates(IssuedCertificateTable rows) {
        this.rows = rows;
    }

    void insert(IssuedCertificate cert, Instant now) {
        rows.save(IssuedCertificateRow.of(cert, FederationCa.TYPE, now));
    }

    /** Revokes one unrevoked certificate; returns false when it was already revoked or does not exist. */
    boolean revoke(String serial, String reason, Instant now) {
        return rows.updateBySerialAndRevokedAtIsNull(serial, now, reason) == 1;
    }

    /** Revokes every unrevoked certificate of a peer and returns their serials. */
    List<String> revokeAllForPeer(Connection c, String peerId, String reason, Instant now) throws SQLException {
        // hand-written: Data cannot say an UPDATE that returns the rows it changed
        try (PreparedStatement ps = c.prepareStatement("UPDATE issued_certificates SET revoked_at = ?, revocation_reason = ? "
                + "WHERE peer_id = ? AND revoked_at IS NULL RETURNING serial")) {
            ps.setObject(1, now.atOffset(ZoneOffset.UTC));
            ps.setString(2, reason);
            ps.setString(3, peerId);
            List<String> serials = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    serials.add(rs.getString(1));
                }
            }
            serials.sort(null);
            return serials;
        }
    }

    Optional<IssuedCertificate> bySerial(String serial) {
        return rows.findById(serial).map(IssuedCertificateRow::toIssuedCertificate);
    }

    Optional<IssuedCertificate> byFingerprint(String fingerprint) {
        return rows.findByFingerprint(fingerprint).map(IssuedCertificateRow::toIssuedCertificate);
    }

    /** As {@link #byFingerprint(String)}, in {@code c}. */
    Optional<IssuedCertificate> byFingerprint(Connection c, String fingerprint) throws SQLException {
        // hand-written: every new federation connection's client check reads this; the generated finder cost ~2× the statement
        try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE fingerprint = ?")) {
            ps.setString(1, fingerprint);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(read(rs)) : Optional.empty();
            }
        }
    }

    /** The unrevoked certificates among {@code serials} that are unexpired at {@code now}, in one query. */
    List<IssuedCertificate> liveBySerials(Connection c, Collection<String> serials, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + "WHERE serial = ANY (?) AND revoked_at IS NULL AND not_after > ?")) {
            ps.setArray(1, c.createArrayOf("text", serials.toArray()));
            ps.setObject(2, now.atOffset(ZoneOffset.UTC));
            List<IssuedCertificate> found = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    found.add(read(rs));
                }
            }
            return found;
        }
    }

    private static final String SELECT = "SELECT serial, fingerprint, peer_id, subject, signer_fingerprint, "
            + "not_before, not_after, certificate, revoked_at, revocation_reason, created_at FROM issued_certificates ";

    private static IssuedCertificate read(ResultSet rs) throws SQLException {
        return new IssuedCertificate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), instant(rs, 6), instant(rs, 7), rs.getString(8), instant(rs, 9), rs.getString(10),
                instant(rs, 11));
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime at = rs.getObject(column, OffsetDateTime.class);
        return at == null ? null : at.toInstant();
    }

    List<IssuedCertificate> forPeer(String peerId) {
        return rows.findByPeerId(peerId, OLDEST_FIRST).stream().map(IssuedCertificateRow::toIssuedCertificate).toList();
    }

    List<String> laggards(String signerFingerprint, Instant now) {
        return rows.findDistinctPeerIdBySignerFingerprintAndRevokedAtIsNullAndNotAfterGreaterThanOrderByPeerId(
                signerFingerprint, now);
    }
}
