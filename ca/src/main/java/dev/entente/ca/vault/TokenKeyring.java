package dev.entente.ca.vault;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.jws.TokenKeySource;

import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The token-signing keys, sealed in the key vault under purpose {@value #PURPOSE}: one Ed25519
 * key signs acceptance, re-enrolment and operator tokens. A rotation retires it and makes a new
 * one active, in the caller's transaction; a retired key never verifies again, so every token it
 * signed stops working at once (a rotation is what an operator runs when the key may have leaked).
 *
 * <p>Keys are held in memory as one immutable snapshot, so checking a token costs no SQL.
 * {@link #reload()} replaces it: after this process's own rotation commits, and when another
 * process's rotation is announced (the V23 notice). A token naming a key id this process has
 * never seen triggers a reload, at most once a second, so a key minted elsewhere is found even
 * before its notice arrives.
 */
public final class TokenKeyring implements TokenKeySource {
    /** The {@code sealed_keys.purpose} of token-signing keys. */
    public static final String PURPOSE = "jwt";
    /** The {@code sealed_keys.algorithm} of token-signing keys. */
    public static final String ALGORITHM = "Ed25519";

    private static final Pattern KEY_ID = Pattern.compile("jwt-[0-9a-f]{16}");
    private static final long MISS_RELOAD_NANOS = 1_000_000_000L;

    private final SealedKeyStore store;
    private volatile Snapshot snapshot;
    private volatile long reloadedAt;

    private record Snapshot(SigningKey signing, Map<String, VerifyingKey> byId) {
    }

    /**
     * What a rotation did.
     *
     * @param previousKeyId the key it retired
     * @param signing       the key that signs from now on, usable in the rotation's own transaction
     * @param fingerprint   SHA-256 of the new key's public key
     */
    public record Rotation(String previousKeyId, SigningKey signing, String fingerprint) {
        public String keyId() {
            return signing.id();
        }
    }

    private TokenKeyring(SealedKeyStore store) {
        this.store = store;
    }

    /** Creates the first token-signing key on {@code c} when there is no active one (a new hub). */
    public static void createIfMissing(Connection c, SealedKeyStore store) throws SQLException {
        if (store.byPurpose(c, PURPOSE).stream().noneMatch(k -> SealedKeyStore.ACTIVE.equals(k.status()))) {
            create(c, store);
        }
    }

    /** Loads every token-signing key; there must be an active one ({@link #createIfMissing}). */
    public static TokenKeyring load(SealedKeyStore store) {
        TokenKeyring ring = new TokenKeyring(store);
        ring.reload();
        return ring;
    }

    @Override
    public SigningKey signing() {
        return snapshot.signing();
    }

    @Override
    public Optional<VerifyingKey> verifying(String kid) {
        VerifyingKey key = snapshot.byId().get(kid);
        if (key == null && kid != null && KEY_ID.matcher(kid).matches() && System.nanoTime() - reloadedAt > MISS_RELOAD_NANOS) {
            try {
                reload();
            } catch (RuntimeException databaseDown) {
                // the keys held stand: a token signed by a key this process cannot read yet waits for the notice
                return Optional.empty();
            }
            key = snapshot.byId().get(kid);
        }
        return Optional.ofNullable(key);
    }

    /** Every key this hub has had, oldest first. */
    public List<VerifyingKey> all() {
        return List.copyOf(snapshot.byId().values());
    }

    /** Reads the keys again from the database. */
    public void reload() {
        List<StoredKey> keys = store.byPurpose(PURPOSE);
        SigningKey signing = null;
        Map<String, VerifyingKey> byId = new LinkedHashMap<>();
        for (StoredKey k : keys) {
            boolean retired = SealedKeyStore.RETIRED.equals(k.status());
            byId.put(k.id(), new VerifyingKey(k.id(), Certificates.publicKey(ALGORITHM, k.publicKey()),
                    retired ? k.retiredAt() : null));
            if (SealedKeyStore.ACTIVE.equals(k.status())) {
                signing = new SigningKey(k.id(), Certificates.privateKey(ALGORITHM, k.secret()));
            }
        }
        if (signing == null) {
            throw new IllegalStateException("no active token-signing key");
        }
        snapshot = new Snapshot(signing, Map.copyOf(byId));
        reloadedAt = System.nanoTime();
    }

    /**
     * Retires every token-signing key still in use and makes a new one active, on {@code c} (the
     * caller's transaction, together with its audit event). This process keeps signing with the
     * old key until {@link #reload()}, which the caller runs once the transaction committed.
     */
    public Rotation rotate(Connection c) throws SQLException {
        lock(c);
        // Read the table, not the snapshot: another replica may have rotated since we loaded.
        String previous = null;
        for (StoredKey k : store.byPurpose(c, PURPOSE)) {
            if (SealedKeyStore.ACTIVE.equals(k.status())) {
                previous = k.id();
            }
            if (!SealedKeyStore.RETIRED.equals(k.status())) {
                // retire first: the partial unique index allows one active key per purpose
                store.setStatus(c, k.id(), SealedKeyStore.RETIRED);
            }
        }
        StoredKey created = create(c, store);
        return new Rotation(previous, new SigningKey(created.id(), Certificates.privateKey(ALGORITHM, created.secret())),
                created.fingerprint());
    }

    private static StoredKey create(Connection c, SealedKeyStore store) throws SQLException {
        KeyPair kp = Certificates.ed25519();
        String fp = Certificates.sha256Hex(kp.getPublic().getEncoded());
        return store.store(c, "jwt-" + fp.substring(0, 16), PURPOSE, SealedKeyStore.ACTIVE, ALGORITHM,
                kp.getPublic().getEncoded(), null, fp, kp.getPrivate().getEncoded(), null);
    }

    /** Serialises rotations across hubs sharing the database; released at commit or rollback. */
    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('entente.token_signing'))")) {
            ps.execute();
        }
    }
}
