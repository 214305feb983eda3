package dev.entente.federation.anchor;

import dev.entente.lifecycle.audit.AnchoredHead;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.AuditVerification;
import dev.entente.lifecycle.db.Tx;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code audit verify} and DR014: the chain walked in the database, then compared with every head
 * anchored outside it (the data-dir file, the heads peers vouch for).
 */
public final class AnchoredAudit {
    private final Tx tx;
    private final AuditLog audit;
    private final AuditAnchor anchor;
    private final AuditWitnessing witnessing;

    public AnchoredAudit(Tx tx, AuditLog audit, AuditAnchor anchor, AuditWitnessing witnessing) {
        this.tx = tx;
        this.audit = audit;
        this.anchor = anchor;
        this.witnessing = witnessing;
    }

    /**
     * The chain and its anchors; {@code superseded} are anchors signed before the hub was last
     * restored from a backup, which the restore knowingly rolled back (not compared).
     */
    public record Result(AuditVerification verification, List<AnchoredHead> anchors, List<AnchoredHead> superseded) {
    }

    public Result verify() {
        // Anchors first: each was taken from a committed head, so the chain read afterwards is at
        // least as long; read the other way round, an append in between would look like a cut.
        List<AnchoredHead> anchors = new ArrayList<>();
        anchor.read().ifPresent(s -> anchors.add(new AnchoredHead(s.head(), s.at(), AuditAnchor.WITNESS)));
        anchors.addAll(witnessing.peerAnchors());
        // A restore rolls the chain back on purpose ('entente restore' appends hub.restored, which
        // only the hub's HMAC key can write): heads signed before it belong to the old timeline.
        Instant restored = witnessing.restoredAt().orElse(null);
        List<AnchoredHead> live = anchors.stream().filter(a -> restored == null || !a.signedAt().isBefore(restored)).toList();
        List<AnchoredHead> superseded = anchors.stream().filter(a -> !live.contains(a)).toList();
        AuditVerification v = tx.read(c -> audit.verify(c, live));
        return new Result(v, live, superseded);
    }
}
