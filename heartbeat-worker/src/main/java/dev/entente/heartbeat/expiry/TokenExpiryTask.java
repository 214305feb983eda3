package dev.entente.heartbeat.expiry;

import dev.entente.federation.peer.PeerCredentials;
import dev.entente.heartbeat.schedule.Task;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;

import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Clears expired acceptance tokens of proposed peers and records one audit event per run that found
 * any; also deletes operators' sign-ins with the identity provider (V25) left unfinished past their
 * expiry, which are no one's credential any more and so need no event.
 */
public final class TokenExpiryTask implements Task {
    public static final String NAME = "token_expiry";
    private static final List<String> SIGN_IN_TABLES = List.of("oidc_sign_ins", "oidc_sign_in_codes");
    private final Tx tx;
    private final AuditLog audit;
    private final PeerCredentials credentials;

    public TokenExpiryTask(Tx tx, AuditLog audit, PeerCredentials credentials) {
        this.tx = tx;
        this.audit = audit;
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant now) {
        tx.inTransaction(c -> {
            List<UUID> ids = credentials.expireTokens(c, now);
            if (!ids.isEmpty()) {
                audit.append(c, AuditEvent.of(EventSource.TOKEN_EXPIRY, AuditEventType.PEER_TOKEN_EXPIRED, "peers",
                        Map.of("count", ids.size(), "ids", ids.stream().map(UUID::toString).toList())));
            }
            for (String signIns : SIGN_IN_TABLES) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + signIns + " WHERE expires_at < ?")) {
                    ps.setTimestamp(1, Timestamp.from(now));
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }
}
