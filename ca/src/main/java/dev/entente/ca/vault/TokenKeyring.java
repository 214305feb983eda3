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
 * key signs acceptance, re-enrolment and operator tokens. Under {@code entente.keys.store: pkcs11}
 * each new key is instead generated inside the {@link Pkcs11Token} (ECDSA P-256, so tokens are
 * ES256) and only catalogued here; a key a rotation retired is destroyed in the token at the next
 * {@link #reload()} after the rotation committed (its public key, kept here, is all that telling
 * "signed by a retired key" from a forgery needs). A rotation retires it and makes a new
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
    /** The {@code sealed_keys.algorithm} of sealed token-signing keys. */
    public static final String ALGORITHM = "Ed25519";

    private static final Pattern KEY_ID = Pattern.compile("jwt-[0-9a-f]{16}");
    private static final long MISS_RELOAD_NANOS = 1_000_000_000L;

    private final SealedKeyStore store;
    private final Pkcs11Token token;
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

    private TokenKeyring(SealedKeyStore store, Pkcs11Token token) {
        this.store = store;
        this.token = token;
    }

    /** Creates the first token-signing key on {@code c}, sealed, when there is no active one (a new hub). */
    public static void createIfMissing(Connection c, SealedKeyStore store) throws SQLException {
        createIfMissing(c, store, null);
    }

    /** Creates the first token-signing key on {@code c} when there is no active one: in {@code token} when given, else sealed. */
    public static void createIfMissing(Connection c, SealedKeyStore store, Pkcs11Token token) throws SQLException {
        if (store.byPurpose(c, PURPOSE).stream().noneMatch(k -> SealedKeyStore.ACTIVE.equals(k.status()))) {
            create(c, store, token);
        }
    }

    /** Loads every sealed token-signing key; there must be an active one ({@link #createIfMissing}). */
    public static TokenKeyring load(SealedKeyStore store) {
        return load(store, null);
    }

    /** Loads every token-signing key, those held by {@code token} as handles; there must be an active one. */
    public static TokenKeyring load(SealedKeyStore store, Pkcs11Token token) {
        TokenKeyring ring = new TokenKeyring(store, token);
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
            byId.put(k.id(), new VerifyingKey(k.id(), Certificates.publicKey(k.algorithm(), k.publicKey()),
                    retired ? k.retiredAt() : null));
            if (SealedKeyStore.ACTIVE.equals(k.status())) {
                signing = signingKey(k, token);
            } else if (retired && k.inToken() && token != null) {
                token.destroy(k.id());
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
        StoredKey created = create(c, store, token);
        return new Rotation(previous, signingKey(created, token), created.fingerprint());
    }

    /** Where new token-signing keys are made: the PKCS#11 token, or null when they are sealed. */
    public Pkcs11Token token() {
        return token;
    }

    private static SigningKey signingKey(StoredKey k, Pkcs11Token token) {
        if (!k.inToken()) {
            return new SigningKey(k.id(), Certificates.privateKey(k.algorithm(), k.secret()));
        }
        if (token == null) {
            throw Pkcs11Token.notConfigured(k.id());
        }
        return new SigningKey(k.id(), token.privateKey(k.id()), token.provider());
    }

    private static StoredKey create(Connection c, SealedKeyStore store, Pkcs11Token token) throws SQLException {
        if (token == null) {
            KeyPair kp = Certificates.ed25519();
            String fp = Certificates.sha256Hex(kp.getPublic().getEncoded());
            return store.store(c, "jwt-" + fp.substring(0, 16), PURPOSE, SealedKeyStore.ACTIVE, ALGORITHM,
                    kp.getPublic().getEncoded(), null, fp, kp.getPrivate().getEncoded(), null);
        }
        KeyPair kp = token.generate();
        String id = "jwt-" + Certificates.sha256Hex(kp.getPublic().getEncoded()).substring(0, 16);
        token.file(id, kp.getPrivate(), Certificates.holderCertificate(kp, token.provider(), id));
        String fp = Certificates.sha256Hex(kp.getPublic().getEncoded());
        return store.catalogueTokenKey(c, id, PURPOSE, SealedKeyStore.ACTIVE, Pkcs11Token.ALGORITHM,
                kp.getPublic().getEncoded(), null, fp, null);
    }

    /** Serialises rotations across hubs sharing the database; released at commit or rollback. */
    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(hashtext('entente.token_signing'))")) {
            ps.execute();
        }
    }
}
