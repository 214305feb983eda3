package dev.entente.ca.authority;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code issued_certificates} table; every method runs on the caller's connection. */
final class IssuedCertificates {
    private static final String COLUMNS = "serial, fingerprint, peer_id, subject, signer_fingerprint, not_before, "
            + "not_after, certificate, revoked_at, revocation_reason, created_at";

    void insert(Connection c, IssuedCertificate cert, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO issued_certificates (serial, fingerprint, ca_type, "
                + "peer_id, subject, signer_fingerprint, not_before, not_after, certificate, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, cert.serial());
            ps.setString(2, cert.fingerprint());
            ps.setString(3, FederationCa.TYPE);
            ps.setString(4, cert.peerId());
            ps.setString(5, cert.subject());
            ps.setString(6, cert.signerFingerprint());
            ps.setObject(7, utc(cert.notBefore()));
            ps.setObject(8, utc(cert.notAfter()));
            ps.setString(9, cert.certificatePem());
            ps.setObject(10, utc(now));
            ps.executeUpdate();
        }
    }

    /** Revokes one unrevoked certificate; returns false when it was already revoked or does not exist. */
    boolean revoke(Connection c, String serial, String reason, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE issued_certificates SET revoked_at = ?, revocation_reason = ? "
                + "WHERE serial = ? AND revoked_at IS NULL")) {
            ps.setObject(1, utc(now));
            ps.setString(2, reason);
            ps.setString(3, serial);
            return ps.executeUpdate() == 1;
        }
    }

    /** Revokes every unrevoked certificate of a peer and returns their serials. */
    List<String> revokeAllForPeer(Connection c, String peerId, String reason, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE issued_certificates SET revoked_at = ?, revocation_reason = ? "
                + "WHERE peer_id = ? AND revoked_at IS NULL RETURNING serial")) {
            ps.setObject(1, utc(now));
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

    Optional<IssuedCertificate> bySerial(Connection c, String serial) throws SQLException {
        return query(c, "WHERE serial = ?", serial).stream().findFirst();
    }

    Optional<IssuedCertificate> byFingerprint(Connection c, String fingerprint) throws SQLException {
        return query(c, "WHERE fingerprint = ?", fingerprint).stream().findFirst();
    }

    List<IssuedCertificate> forPeer(Connection c, String peerId) throws SQLException {
        return query(c, "WHERE peer_id = ? ORDER BY created_at, serial", peerId);
    }

    List<String> laggards(Connection c, String signerFingerprint, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT peer_id FROM issued_certificates "
                + "WHERE signer_fingerprint = ? AND revoked_at IS NULL AND not_after > ? ORDER BY peer_id")) {
            ps.setString(1, signerFingerprint);
            ps.setObject(2, utc(now));
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    private List<IssuedCertificate> query(Connection c, String where, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM issued_certificates " + where)) {
            ps.setString(1, arg);
            List<IssuedCertificate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new IssuedCertificate(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), instant(rs, 6), instant(rs, 7), rs.getString(8), instant(rs, 9),
                            rs.getString(10), instant(rs, 11)));
                }
            }
            return out;
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
