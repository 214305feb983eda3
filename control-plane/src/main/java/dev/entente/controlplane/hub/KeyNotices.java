package dev.entente.controlplane.hub;

import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.TokenKeyring;
import dev.entente.ca.vault.VaultAuditKeyring;
import dev.entente.federation.access.CacheInvalidationListener;
import dev.entente.lifecycle.db.Tx;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Keeps the keys this process holds in memory in step with the database: a token-signing or
 * audit-HMAC rotation made by another process (the V23 notice on {@code sealed_keys}) is taken up
 * at once, so this one stops accepting tokens of the retired key and signs with the new ones; a
 * rekey made elsewhere ({@code key_vault}) is logged, since this process cannot derive the new key
 * (doctor DR028 says so until it is restarted with the new passphrase).
 */
@Singleton
public class KeyNotices implements CacheInvalidationListener.Subscriber {
    private static final Logger LOG = LoggerFactory.getLogger(KeyNotices.class);

    private final TokenKeyring tokenKeys;
    private final VaultAuditKeyring auditKeys;
    private final SealedKeyStore keys;
    private final Tx tx;

    public KeyNotices(TokenKeyring tokenKeys, VaultAuditKeyring auditKeys, SealedKeyStore keys, Tx tx) {
        this.tokenKeys = tokenKeys;
        this.auditKeys = auditKeys;
        this.keys = keys;
        this.tx = tx;
    }

    @Override
    public Set<String> tables() {
        return Set.of("sealed_keys", "key_vault");
    }

    // Notices missed while not listening may include a rotation: read the keys again.
    @Override
    public void connected() {
        reload();
    }

    @Override
    public void notice(String table, String key) {
        reload();
    }

    @Override
    public void disconnected() {
        // the keys held stay in use: tokens are checked in memory, so the hub keeps working without the database
    }

    private void reload() {
        try {
            if (!tx.read(keys.vault()::isCurrent)) {
                LOG.error("the key vault was re-keyed by another process: this one holds the old key and can neither seal "
                        + "nor open keys; restart it with the new passphrase (doctor DR028)");
                return;
            }
            tokenKeys.reload();
            auditKeys.reload();
        } catch (RuntimeException e) {
            LOG.warn("could not reload the hub's keys after a change in the database ({}); the keys held stay in use",
                    e.getMessage());
        }
    }
}
