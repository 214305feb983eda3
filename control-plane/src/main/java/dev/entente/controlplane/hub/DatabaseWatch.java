package dev.entente.controlplane.hub;

import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * What the hub does when its embedded PostgreSQL died: a restart becomes a hub event
 * ({@code database.restarted}, listed by {@code entente events --source hub}) once the server
 * answers again; a server that does not come back stops the hub, so that its supervisor restarts
 * it instead of leaving a process that answers 503 forever.
 */
final class DatabaseWatch implements EmbeddedDatabase.Listener {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseWatch.class);
    private final Tx tx;
    private final AuditLog audit;
    private final HubIdentity hub;

    DatabaseWatch(Tx tx, AuditLog audit, HubIdentity hub) {
        this.tx = tx;
        this.audit = audit;
        this.hub = hub;
    }

    @Override
    public void restarted(int attempts, Duration downtime, String cause) {
        AuditDetails details = AuditDetails.of()
                .put("attempts", attempts)
                .put("downtime_ms", downtime.toMillis())
                .put("cause", cause);
        // The pool's old connections died with the server: the first tries may still fail.
        for (int i = 0; i < 10; i++) {
            try {
                tx.inTransaction(c -> audit.append(c,
                        AuditEvent.of(EventSource.HUB, AuditEventType.DATABASE_RESTARTED, hub.hubId(), details)));
                return;
            } catch (RuntimeException e) {
                LOG.debug("database.restarted not recorded yet: {}", e.getMessage());
                try {
                    Thread.sleep(500);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        LOG.warn("the embedded PostgreSQL restarted after {} ms but the event could not be recorded", downtime.toMillis());
    }

    @Override
    public void gaveUp(Duration downtime, String lastError) {
        LOG.error("the embedded PostgreSQL is down for {} s and does not start ({}); stopping the hub so that its "
                + "supervisor restarts it", downtime.toSeconds(), lastError);
        hub.databaseLost();
    }
}
