package dev.entente.controlplane.hub.wiring;

import dev.entente.federation.access.FederationAccessCache;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleEngine;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The engine every lifecycle (peer, grant, CA rotation, approval) applies its events through. */
@Factory
final class LifecycleFactory {
    @Singleton
    LifecycleEngine engine(Tx tx, AuditLog audit, Clock clock, FederationAccessCache accessCache) {
        LifecycleEngine engine = new LifecycleEngine(tx, audit, clock);
        // Peer, grant and CA rotation transitions committed here drop what they void from the
        // cache before the call that made them returns: "suspend, then the next call is refused".
        engine.onCommit(accessCache::committed);
        return engine;
    }
}
