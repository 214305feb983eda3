package dev.entente.heartbeat.expiry;

import dev.entente.federation.peer.PeerCredentials;
import dev.entente.heartbeat.schedule.Task;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Clears expired acceptance tokens of proposed peers and records one audit event per run that found any. */
public final class TokenExpiryTask implements Task {
    public static final String NAME = "token_expiry";
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
            return null;
        });
    }
}
