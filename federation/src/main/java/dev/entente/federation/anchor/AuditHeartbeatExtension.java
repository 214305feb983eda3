package dev.entente.federation.anchor;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.federation.heartbeat.HeartbeatExtension;
import dev.entente.federation.peer.Peer;

import java.util.Map;

/**
 * Audit-head witnessing carried in heartbeats: ours signed once per round and added to each
 * heartbeat with its continuity proof, the peer's countersignature kept from its answer, and a
 * peer's head witnessed when its heartbeat arrives.
 */
public final class AuditHeartbeatExtension implements HeartbeatExtension {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AuditAnchor anchor;
    private final AuditWitnessing witnessing;

    public AuditHeartbeatExtension(AuditAnchor anchor, AuditWitnessing witnessing) {
        this.anchor = anchor;
        this.witnessing = witnessing;
    }

    @Override
    public void beforeRound() {
        // Once per round, not per append: the anchor file and the signed head heartbeats carry.
        anchor.refresh();
    }

    @Override
    public void contribute(Peer peer, Map<String, Object> extensions) {
        witnessing.addTo(extensions, peer);
    }

    @Override
    public void answered(Peer peer, Map<String, Object> answerExtensions) {
        witnessing.recordAnswer(peer, JSON.valueToTree(answerExtensions));
    }

    @Override
    public Map<String, Object> receive(Peer peer, Map<String, Object> extensions) {
        Map<String, Object> witness = witnessing.witness(peer, extensions);
        return witness == null ? Map.of() : Map.of("audit_witness", witness);
    }
}
