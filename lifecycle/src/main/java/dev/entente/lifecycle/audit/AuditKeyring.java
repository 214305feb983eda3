package dev.entente.lifecycle.audit;

import java.util.Optional;

/**
 * Where the audit chain's HMAC keys come from. New events use {@link #current()}; verification
 * looks old events' keys up by id, so a rotated key keeps verifying what it signed.
 */
public interface AuditKeyring {
    AuditKey current();

    Optional<AuditKey> byId(String id);
}
