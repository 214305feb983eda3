package dev.entente.federation.reenrol;

import dev.entente.federation.token.TokenTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/** {@code reenrolment_tokens}: the digest of each minted token, the peer it is for, and when it was used. */
public final class ReenrolmentTokenTable implements TokenTable {
    /** Stores a new token for {@code peerId}; the peer's earlier unused tokens stop working. */
    void insert(Connection c, UUID jti, UUID peerId, byte[] digest, Instant expiresAt, String issuedBy) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM reenrolment_tokens WHERE peer_id = ? AND used_at IS NULL")) {
            ps.setObject(1, peerId);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO reenrolment_tokens (jti, peer_id, token_digest, "
                + "expires_at, issued_by) VALUES (?, ?, ?, ?, ?)")) {
            ps.setObject(1, jti);
            ps.setObject(2, peerId);
            ps.setBytes(3, digest);
            ps.setTimestamp(4, Timestamp.from(expiresAt));
            ps.setString(5, issuedBy);
            ps.executeUpdate();
        }
    }

    @Override
    public Optional<Entry> find(Connection c, UUID jti) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT peer_id, expires_at, used_at FROM reenrolment_tokens WHERE jti = ?")) {
            ps.setObject(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp used = rs.getTimestamp(3);
                return Optional.of(new Entry(rs.getObject(1, UUID.class), rs.getTimestamp(2).toInstant(),
                        used == null ? Use.OUTSTANDING : Use.USED, used == null ? null : used.toInstant()));
            }
        }
    }

    /**
     * Marks the token used if it is the stored one and unused (its expiry was checked with the
     * clock skew before); true when this call did. One statement, so of two concurrent uses exactly one wins.
     */
    boolean consume(Connection c, UUID jti, byte[] digest, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE reenrolment_tokens SET used_at = ? WHERE jti = ? "
                + "AND token_digest = ? AND used_at IS NULL")) {
            ps.setTimestamp(1, Timestamp.from(now));
            ps.setObject(2, jti);
            ps.setBytes(3, digest);
            return ps.executeUpdate() == 1;
        }
    }
}
