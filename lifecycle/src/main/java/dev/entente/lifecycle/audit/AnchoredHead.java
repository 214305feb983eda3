package dev.entente.lifecycle.audit;

/**
 * A head of this hub's chain held outside its database, and who holds it: {@code local file}
 * (the data dir's signed anchor) or {@code peer hub_xxx} (a linked hub that witnessed it).
 */
public record AnchoredHead(AuditHead head, String witness) {
}
