package dev.entente.lifecycle.audit;

import java.time.Instant;

/**
 * A head of this hub's chain held outside its database, when it was signed, and who holds it:
 * {@code local file} (the data dir's signed anchor) or {@code peer hub_xxx} (a linked hub that
 * witnessed it).
 */
public record AnchoredHead(AuditHead head, Instant signedAt, String witness) {
}
