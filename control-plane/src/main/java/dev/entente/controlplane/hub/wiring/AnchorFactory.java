package dev.entente.controlplane.hub.wiring;

import dev.entente.ca.anchor.AnchorKey;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.federation.anchor.AnchoredAudit;
import dev.entente.federation.anchor.AuditAnchor;
import dev.entente.federation.anchor.AuditWitnessing;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The audit chain's signed head, anchored in the data dir and witnessed by peers. */
@Factory
final class AnchorFactory {
    @Singleton
    AuditAnchor auditAnchor(Tx tx, AuditLog audit, SealedKeyStore keys, HubIdentity hub, HubSettings settings, Clock clock) {
        return new AuditAnchor(tx, audit, AnchorKey.loadOrCreate(tx, keys, hub.hubId()), settings.dataDir(), clock);
    }

    @Singleton
    AuditWitnessing auditWitnessing(Tx tx, AuditLog audit, AuditAnchor anchor, HubIdentity hub, Clock clock) {
        return new AuditWitnessing(tx, audit, anchor, hub.hubId(), clock);
    }

    @Singleton
    AnchoredAudit anchoredAudit(Tx tx, AuditLog audit, AuditAnchor anchor, AuditWitnessing witnessing) {
        return new AnchoredAudit(tx, audit, anchor, witnessing);
    }
}
