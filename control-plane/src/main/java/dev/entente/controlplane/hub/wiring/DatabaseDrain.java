package dev.entente.controlplane.hub.wiring;

import dev.entente.federation.anchor.AuditAnchor;
import dev.entente.federation.access.CacheInvalidationListener;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What must reach PostgreSQL, or give its connection back, before the pool closes: runs when the
 * context closes, which the hub does before closing the pool. One bean so the order is written
 * down instead of left to the context's destruction order.
 */
@Singleton
public final class DatabaseDrain {
    private static final Logger LOG = LoggerFactory.getLogger(DatabaseDrain.class);
    private final HeartbeatCoalescer heartbeats;
    private final AuditAnchor auditAnchor;
    private final CacheInvalidationListener cacheListener;

    DatabaseDrain(HeartbeatCoalescer heartbeats, AuditAnchor auditAnchor, CacheInvalidationListener cacheListener) {
        this.heartbeats = heartbeats;
        this.auditAnchor = auditAnchor;
        this.cacheListener = cacheListener;
    }

    @PreDestroy
    void drain() {
        // Buffered heartbeats are written first, so the head anchored next includes what they audited.
        heartbeats.close();
        try {
            // The head the shutdown leaves (its last events) is anchored before the pool closes.
            auditAnchor.refresh();
        } catch (RuntimeException e) {
            LOG.warn("cannot anchor the audit head at shutdown: {}", e.toString());
        }
        cacheListener.close();
    }
}
