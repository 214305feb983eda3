package dev.entente.ca.vault;

import dev.entente.lifecycle.audit.AuditKey;
import dev.entente.lifecycle.audit.AuditKeyring;
import dev.entente.lifecycle.db.Tx;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The audit chain's HMAC keys, sealed in the key vault under purpose {@value #PURPOSE}.
 *
 * <p>Keys are named {@code audit-1}, {@code audit-2}, ... A rotation makes a new key active and
 * retires the old one, which stays loaded so {@code entente audit verify} keeps verifying the
 * events it signed. Keys are opened once, at {@link #load} and {@link #rotate}, and kept in memory;
 * an id this instance has not seen (a rotation by another replica) is looked up in the database.
 */
public final class VaultAuditKeyring implements AuditKeyring {
    /** The {@code sealed_keys.purpose} of audit HMAC keys. */
    public static final String PURPOSE = "audit_hmac";
    /** The {@code sealed_keys.algorithm} of audit HMAC keys. */
    public static final String ALGORITHM = "HmacSHA256";

    private static final int KEY_BYTES = 32;
    private static final Pattern ID = Pattern.compile("audit-(\\d+)");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SealedKeyStore store;
    private final Map<String, AuditKey> byId = new ConcurrentHashMap<>();
    private volatile AuditKey current;

    private VaultAuditKeyring(SealedKeyStore store) {
        this.store = store;
    }

    /** Loads every audit key, creating {@code audit-1} when there is none yet. */
    public static VaultAuditKeyring load(SealedKeyStore store, Tx tx) {
        VaultAuditKeyring ring = new VaultAuditKeyring(store);
        tx.inTransaction(c -> {
            lock(c);
            List<StoredKey> keys = store.byPurpose(c, PURPOSE);
            if (keys.stream().noneMatch(k -> SealedKeyStore.ACTIVE.equals(k.status()))) {
                ring.create(c, nextId(keys));
                keys = store.byPurpose(c, PURPOSE);
            }
            for (StoredKey k : keys) {
                AuditKey key = new AuditKey(k.id(), k.secret());
                ring.byId.put(k.id(), key);
                if (SealedKeyStore.ACTIVE.equals(k.status())) {
                    ring.current = key;
                }
            }
            return null;
        });
        return ring;
    }

    @Override
    public AuditKey current() {
        return current;
    }

    @Override
    public Optional<AuditKey> byId(String id) {
        AuditKey key = byId.get(id);
        if (key != null) {
            return Optional.of(key);
        }
        Optional<AuditKey> loaded = store.byId(id)
                .filter(k -> PURPOSE.equals(k.purpose()))
                .map(k -> new AuditKey(k.id(), k.secret()));
        loaded.ifPresent(k -> byId.put(k.id(), k));
        return loaded;
    }

    /**
     * Reads the keys again: another process rotated (the V23 notice), so this one signs new events
     * with the key that process made active rather than the one it retired.
     */
    public void reload() {
        for (StoredKey k : store.byPurpose(PURPOSE)) {
            AuditKey key = new AuditKey(k.id(), k.secret());
            byId.putIfAbsent(k.id(), key);
            if (SealedKeyStore.ACTIVE.equals(k.status())) {
                current = byId.get(k.id());
            }
        }
    }

    /**
     * Makes a new key {@code audit-<n+1>} active and retires the active one, on {@code c} (the
     * caller's transaction, typically together with an {@code audit.key_rotated} event).
     *
     * <p>The new key is used by {@link #current()} as soon as this returns: if the caller's
     * transaction then rolls back, call {@link #load} again, or later events would be signed with
     * a key that was never stored.
     */
    public AuditKey rotate(Connection c) throws SQLException {
        lock(c);
        // Read the table, not the cache: another replica may have rotated since we loaded.
        List<StoredKey> keys = store.byPurpose(c, PURPOSE);
        for (StoredKey k : keys) {
            if (SealedKeyStore.ACTIVE.equals(k.status())) {
                // retire first: the partial unique index allows one active key per purpose
                store.setStatus(c, k.id(), SealedKeyStore.RETIRED);
            }
            byId.putIfAbsent(k.id(), new AuditKey(k.id(), k.secret()));
        }
        StoredKey created = create(c, nextId(keys));
        AuditKey key = new AuditKey(created.id(), created.secret());
        byId.put(key.id(), key);
        current = key;
        return key;
    }

    private StoredKey create(Connection c, String id) throws SQLException {
        byte[] secret = new byte[KEY_BYTES];
        RANDOM.nextBytes(secret);
        return store.store(c, id, PURPOSE, SealedKeyStore.ACTIVE, ALGORITHM, null, null, null, secret, null);
    }

    private static String nextId(List<StoredKey> keys) {
        long max = 0;
        for (StoredKey k : keys) {
            Matcher m = ID.matcher(k.id());
            if (m.matches()) {
                max = Math.max(max, Long.parseLong(m.group(1)));
            }
        }
        return "audit-" + (max + 1);
    }

    /**
     * Serialises creation and rotation across hubs sharing the database: without it two hubs
     * starting at once would both create {@code audit-1}, or two rotations would both pick
     * {@code audit-<n+1>}. Released at commit or rollback.
     */
    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('entente.audit_hmac'))")) {
            ps.execute();
        }
    }
}
