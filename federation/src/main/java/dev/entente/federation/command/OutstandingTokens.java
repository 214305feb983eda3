package dev.entente.federation.command;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;

/**
 * The federation's single-use tokens that are still usable at an instant: acceptance tokens of
 * proposed peers and re-enrolment tokens not yet spent, neither expired. A token-signing rotation
 * counts them in its transaction to say what it invalidated.
 */
@FunctionalInterface
public interface OutstandingTokens {
    /** How many of each kind are outstanding at {@code now}, on {@code c}. */
    Counts count(Connection c, Instant now) throws SQLException;

    /** The counts. */
    record Counts(long acceptanceTokens, long reenrolmentTokens) {
    }

    /** Counted from the {@code peers} and {@code reenrolment_tokens} tables. */
    OutstandingTokens TABLES = (c, now) -> new Counts(
            count(c, "SELECT count(*) FROM peers WHERE state = 'proposed' AND token_digest IS NOT NULL "
                    + "AND token_expires_at > ?", now),
            count(c, "SELECT count(*) FROM reenrolment_tokens t JOIN peers p ON p.id = t.peer_id "
                    + "WHERE t.used_at IS NULL AND t.expires_at > ? AND p.state <> 'revoked'", now));

    private static long count(Connection c, String sql, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setTimestamp(1, Timestamp.from(now));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
