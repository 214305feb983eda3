package dev.entente.federation.handshake;

import dev.entente.federation.token.TokenTable;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.Optional;
import java.util.UUID;

/**
 * Acceptance tokens live in {@code peers} ({@code token_digest}, {@code token_jti},
 * {@code token_expires_at}): one outstanding token per proposed peer. A new token overwrites the
 * id, ACCEPT clears the digest and keeps the id, and the expiry job clears both at {@code exp}.
 */
public final class AcceptanceTokenTable implements TokenTable {
    @Override
    public Optional<Entry> find(Connection c, UUID jti) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, state, hub_id, token_expires_at FROM peers WHERE token_jti = ?")) {
            ps.setObject(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String state = rs.getString("state");
                // ACCEPT records the accepting hub's id: a peer revoked without one was never accepted.
                Use use = "proposed".equals(state) ? Use.OUTSTANDING
                        : rs.getString("hub_id") == null ? Use.WITHDRAWN : Use.USED;
                Timestamp expires = rs.getTimestamp("token_expires_at");
                return Optional.of(new Entry(rs.getObject("id", UUID.class), expires == null ? null : expires.toInstant(),
                        use, null));
            }
        }
    }
}
