package dev.entente.federation.anchor;

import dev.entente.federation.heartbeat.HeartbeatExtension;
import dev.entente.federation.peer.Peer;

/**
 * Audit-head witnessing carried in heartbeats: ours signed once per round and added to each
 * heartbeat with its continuity proof, the peer's countersignature kept from its answer, and a
 * peer's head witnessed when its heartbeat arrives.
 */
public final class AuditHeartbeatExtension implements HeartbeatExtension<AuditHeartbeatFields, AuditWitnessFields> {
    private final AuditAnchor anchor;
    private final AuditWitnessing witnessing;

    public AuditHeartbeatExtension(AuditAnchor anchor, AuditWitnessing witnessing) {
        this.anchor = anchor;
        this.witnessing = witnessing;
    }

    @Override
    public Class<AuditHeartbeatFields> heartbeatFields() {
        return AuditHeartbeatFields.class;
    }

    @Override
    public Class<AuditWitnessFields> answerFields() {
        return AuditWitnessFields.class;
    }

    @Override
    public void beforeRound() {
        // Once per round, not per append: the anchor file and the signed head heartbeats carry.
        anchor.refresh();
    }

    @Override
    public AuditHeartbeatFields contribute(Peer peer) {
        return witnessing.fieldsFor(peer);
    }

    @Override
    public void answered(Peer peer, AuditWitnessFields answer) {
        if (answer.witness() != null) {
            witnessing.recordAnswer(peer, answer.witness());
        }
    }

    @Override
    public AuditWitnessFields receive(Peer peer, AuditHeartbeatFields heartbeat) {
        return new AuditWitnessFields(witnessing.witness(peer, heartbeat));
    }
}
