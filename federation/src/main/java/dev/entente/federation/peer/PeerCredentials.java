package dev.entente.federation.peer;

import dev.entente.lifecycle.db.Tx;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The certificate columns of a peer that change without a state change: a node certificate
 * renewed under the same enrollment, and lookups by acceptance-token id. Not transitions, so no
 * version bump: a renewal must not make a concurrent suspend or revoke fail with a conflict.
 */
public final class PeerCredentials {
    private final Tx tx;

    public PeerCredentials(Tx tx) {
        this.tx = tx;
    }

    /** The peer whose outstanding acceptance token has this id, if any. */
    public Optional<UUID> findByTokenJti(UUID jti) {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id FROM peers WHERE token_jti = ?")) {
                ps.setObject(1, jti);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of((UUID) rs.getObject(1)) : Optional.<UUID>empty();
                }
            }
        });
    }

    /**
     * Forgets the digest and id of acceptance tokens past their expiry, on the caller's
     * transaction; returns the peers concerned. The token itself already fails on its own
     * {@code exp}: this keeps no dead secret material around and makes the expiry visible.
     */
    public List<UUID> expireTokens(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE peers SET token_digest = NULL, token_jti = NULL, "
                + "updated_at = now() WHERE state = 'proposed' AND token_digest IS NOT NULL AND token_expires_at < ? RETURNING id")) {
            ps.setTimestamp(1, Timestamp.from(now));
            List<UUID> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add((UUID) rs.getObject(1));
                }
            }
            return ids;
        }
    }

    /** The node certificate this hub's CA issued to the peer (after a renewal). */
    public void recordNodeCertificate(UUID id, String serial, Instant notAfter, String signerFingerprint) {
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE peers SET node_cert_serial = ?, node_cert_not_after = ?, "
                    + "node_cert_signer_fingerprint = ?, updated_at = now() WHERE id = ?")) {
                ps.setString(1, serial);
                ps.setTimestamp(2, Timestamp.from(notAfter));
                ps.setString(3, signerFingerprint);
                ps.setObject(4, id);
                return ps.executeUpdate();
            }
        });
    }

    /** The client certificate the peer's CA issued us, and the sealed key that goes with it. */
    public void recordClientCertificate(UUID id, String certificatePem, String keyId) {
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE peers SET client_cert_pem = ?, client_key_id = ?, updated_at = now() WHERE id = ?")) {
                ps.setString(1, certificatePem);
                ps.setString(2, keyId);
                ps.setObject(3, id);
                return ps.executeUpdate();
            }
        });
    }
}
