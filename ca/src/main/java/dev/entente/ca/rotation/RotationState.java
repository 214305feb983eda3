package dev.entente.ca.rotation;

import dev.entente.lifecycle.engine.LifecycleState;

/**
 * Phases of a CA rotation, after Teleport's: the new key is first only trusted, then signs,
 * then the old key leaves. Any in-progress phase can roll back.
 *
 * <pre>
 *   standby ─START→ init ─ADVANCE→ update_clients ─ADVANCE→ update_servers ─ADVANCE→ standby
 *                    └──────────────────┴──────── ROLLBACK ───────┘
 *                                         ↓
 *                                      rollback ─ADVANCE→ standby
 * </pre>
 */
public enum RotationState implements LifecycleState {
    /** One key signs and is trusted; no rotation. START leaves it. */
    STANDBY,
    /** A new key exists and is trusted beside the old one, which still signs. ADVANCE or ROLLBACK leave it. */
    INIT,
    /**
     * The new key signs; peers renew their node certificates under it on their next heartbeat.
     * ADVANCE leaves it once no laggard remains (or with force); ROLLBACK too.
     */
    UPDATE_CLIENTS,
    /** Every peer is on the new key; the old one is still trusted. ADVANCE drops it; ROLLBACK is still possible. */
    UPDATE_SERVERS,
    /** The old key signs again and both are trusted while peers renew back. ADVANCE discards the new key. */
    ROLLBACK
}
