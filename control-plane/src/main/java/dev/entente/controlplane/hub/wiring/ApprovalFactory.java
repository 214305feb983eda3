package dev.entente.controlplane.hub.wiring;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.hub.HubCommandShell;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.approval.ApprovalPolicies;
import dev.entente.federation.command.OperatorCommands;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.grant.GrantRepository;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.renewal.Laggards;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.lifecycle.approval.ApprovalRepository;
import dev.entente.lifecycle.approval.ApprovalTable;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleEngine;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;

import java.time.Clock;

/** The two-person rule: every operator command goes through the gate, which runs it through {@link OperatorCommands}. */
@Factory
final class ApprovalFactory {
    @Singleton
    OperatorCommands operatorCommands(FederationService federation, PeerRepository peers, PeerLifecycle peerLifecycle,
                                      GrantRepository grants, GrantLifecycle grantLifecycle, RotationLifecycle rotation,
                                      Laggards laggards, ResourceRepository resources, AuditLog audit, Tx tx, Clock clock, HubSettings settings,
                                      HubCommandShell shell, ApprovalPolicies policies) {
        return new OperatorCommands(federation.proposer(), federation.accepter(), federation.reenrolment(), peers, peerLifecycle,
                grants, grantLifecycle, rotation, laggards, resources, audit, tx, clock, settings.acceptanceTtl(), shell, policies);
    }

    /** Configuration's policies as defaults, under what operators set while the hub runs. */
    @Singleton
    ApprovalPolicies approvalPolicies(Tx tx, AuditLog audit, Clock clock, HubSettings settings) {
        return new ApprovalPolicies(tx, audit, clock, settings.approvalPolicies());
    }

    @Singleton
    ApprovalGate approvals(Tx tx, LifecycleEngine engine, AuditLog audit, SealedKeyStore keys, Clock clock, HubSettings settings,
                           OperatorCommands commands, ApprovalTable approvals, ApprovalPolicies policies) {
        return new ApprovalGate(tx, engine, audit, keys, clock, policies, settings.approvalsTimeout(), commands,
                new ApprovalRepository(tx, approvals));
    }
}
