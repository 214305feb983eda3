package dev.entente.controlplane.api.audit;

import dev.entente.federation.anchor.AnchoredAudit;
import dev.entente.lifecycle.audit.AuditVerification;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code GET /api/v1/audit/verify}: the chain walked, then compared with every head anchored
 * outside the database.
 *
 * @param truncated the highest anchored head the chain contradicts, or null
 * @param anchors   the anchored heads compared, then those signed before the last restore
 */
public record ChainVerification(boolean ok, long events, Long firstBroken, String reason,
                                AuditVerification.Truncation truncated, List<Anchor> anchors) {

    /** One anchored head; a superseded one was signed before the hub was last restored and is not compared. */
    public record Anchor(String witness, long seq, boolean superseded) {
    }

    static ChainVerification of(AnchoredAudit.Result result) {
        AuditVerification v = result.verification();
        List<Anchor> anchors = new ArrayList<>();
        result.anchors().forEach(a -> anchors.add(new Anchor(a.witness(), a.head().seq(), false)));
        result.superseded().forEach(a -> anchors.add(new Anchor(a.witness(), a.head().seq(), true)));
        return new ChainVerification(v.ok(), v.events(), v.firstBroken(), v.reason(), v.truncated(), List.copyOf(anchors));
    }
}
