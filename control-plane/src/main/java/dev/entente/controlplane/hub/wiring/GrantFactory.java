package dev.entente.controlplane.hub.wiring;

import dev.entente.federation.access.FederationAccessCache;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.federation.grant.GrantTable;
import dev.entente.federation.resource.ResourceTable;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** Grants to peers, the resources they reach, and the decision a federation call gets. */
@Factory
final class GrantFactory {
    @Singleton
    GrantRepository grants(Tx tx, GrantTable rows, Clock clock) {
        return new GrantRepository(tx, rows, clock);
    }

    @Singleton
    GrantLifecycle grantLifecycle(LifecycleEngine engine, AuditLog audit) {
        return new GrantLifecycle(engine, audit);
    }

    @Singleton
    GrantAuthorizer grantAuthorizer(GrantRepository grants, GrantLifecycle lifecycle, Clock clock, FederationAccessCache accessCache) {
        return new GrantAuthorizer(grants, lifecycle, clock, accessCache);
    }

    @Singleton
    ResourceRepository resources(Tx tx, ResourceTable rows, FederationAccessCache accessCache) {
        return new ResourceRepository(tx, rows, accessCache::invalidateResource);
    }
}
