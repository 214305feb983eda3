package dev.entente.controlplane.hub.wiring;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.approval.ApprovalActions;
import dev.entente.controlplane.approval.ApprovalGate;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.tls.HubTls;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleEngine;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The two-person rule: every sensitive action goes through the gate, with what each action does. */
@Factory
final class ApprovalFactory {
    @Singleton
    ApprovalGate approvals(Tx tx, LifecycleEngine engine, AuditLog audit, SealedKeyStore keys, Clock clock, HubSettings settings,
                           FederationService federation, RotationLifecycle rotation, GrantRepository grants,
                           OperatorTokens tokens, HubTls tls) {
        ApprovalGate gate = new ApprovalGate(tx, engine, audit, keys, clock, settings.approvalsTimeout(),
                settings.approvalPolicies());
        return ApprovalActions.register(gate, federation, rotation, grants, tokens, tls, tx, audit, clock);
    }
}
