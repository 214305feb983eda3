package dev.entente.ca.vault;

import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code sealed_keys} table: every private or secret key the hub holds, sealed by the
 * {@link KeyVault} with the key's id as AAD, so that a blob copied into another row (say, an
 * attacker with SQL access swapping a retired key in for the active one) fails to open.
 *
 * <p>Methods that take a {@link Connection} run in the caller's transaction, so a new key, the
 * retirement of the old one and their audit event commit together; the others read on their own.
 * Reads open the secret, so a tampered row fails loudly with {@link ErrorCode#KEY_MATERIAL_CORRUPT}.
 *
 * <p>It is also the catalogue of keys a PKCS#11 token holds ({@code entente.keys.store: pkcs11}):
 * such a row ({@code store = 'pkcs11'}) has the public key and certificate, and no secret at all.
 */
public final class SealedKeyStore {
    /** The key in use for its purpose; at most one per purpose (a partial unique index). */
    public static final String ACTIVE = "active";
    /** Replaced, but still accepted for a while (e.g. during a CA or JWT rotation). */
    public static final String GRACE = "grace";
    /** No longer used to sign; kept to verify what it signed. */
    public static final String RETIRED = "retired";
    /** Made ahead of its use and announced, not used yet (the hub TLS key of an automatic renewal). */
    public static final String NEXT = "next";

    /** The {@code store} of a key whose private half is sealed in this table. */
    public static final String SEALED = "sealed";

    private static final Set<String> STATUSES = Set.of(ACTIVE, GRACE, RETIRED, NEXT);
    // The store is read off the secret (V24 makes "no sealed secret" and "in a token" the same thing), and a
    // sealed key is inserted with the column's default: the sealed path runs on a schema older than V24 too.
    private static final String COLUMNS = "id, purpose, status, algorithm, public_key, certificate, fingerprint, "
            + "sealed_secret, not_after, created_at, retired_at";
    private static final String STORE_OF_ROW = "CASE WHEN sealed_secret IS NULL THEN '" + Pkcs11Token.STORE + "' ELSE '"
            + SEALED + "' END AS store";

    /** Where this store's blobs live, for {@link KeyVault#rekey}. */
    public static final SealedColumn SEALED_SECRETS = new SealedColumn("sealed_keys", "id", "sealed_secret", "id");

    private final Tx tx;
    private final KeyVault vault;

    public SealedKeyStore(Tx tx, KeyVault vault) {
        this.tx = tx;
        this.vault = vault;
    }

    /** Seals {@code secret} under the vault (AAD = {@code id}) and inserts the row on {@code c}. */
    public StoredKey store(Connection c, String id, String purpose, String status, String algorithm,
                           byte[] publicKey, String certificatePem, String fingerprint, byte[] secret,
                           Instant notAfter) throws SQLException {
        checkStatus(status);
        // A key sealed under a key-encryption key the vault no longer uses could never be opened again.
        vault.checkCurrent(c);
        byte[] sealed = vault.seal(secret, id);
        return insert(c, id, purpose, status, algorithm, publicKey, certificatePem, fingerprint, sealed, notAfter, SEALED,
                secret.clone());
    }

    /**
     * Catalogues on {@code c} a key whose private half a PKCS#11 token generated and keeps under the
     * alias {@code id}: the row holds its public key and certificate, and no key material.
     */
    public StoredKey catalogueTokenKey(Connection c, String id, String purpose, String status, String algorithm,
                                       byte[] publicKey, String certificatePem, String fingerprint, Instant notAfter)
            throws SQLException {
        checkStatus(status);
        return insert(c, id, purpose, status, algorithm, publicKey, certificatePem, fingerprint, null, notAfter,
                Pkcs11Token.STORE, null);
    }

    private StoredKey insert(Connection c, String id, String purpose, String status, String algorithm, byte[] publicKey,
                             String certificatePem, String fingerprint, byte[] sealed, Instant notAfter, String where,
                             byte[] secret) throws SQLException {
        // clock_timestamp(), not the column's now(): keys stored in one transaction (a rotation)
        // still get distinct, ordered created_at values, which byPurpose sorts on.
        boolean inToken = Pkcs11Token.STORE.equals(where);
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO sealed_keys (id, purpose, status, algorithm, public_key, certificate, fingerprint, "
                        + "sealed_secret, not_after, created_at, retired_at" + (inToken ? ", store" : "") + ") "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp(), "
                        + "CASE WHEN ? = 'retired' THEN clock_timestamp() END" + (inToken ? ", '" + Pkcs11Token.STORE + "'" : "")
                        + ") RETURNING created_at, retired_at")) {
            ps.setString(1, id);
            ps.setString(2, purpose);
            ps.setString(3, status);
            ps.setString(4, algorithm);
            ps.setBytes(5, publicKey);
            ps.setString(6, certificatePem);
            ps.setString(7, fingerprint);
            ps.setBytes(8, sealed);
            ps.setObject(9, utc(notAfter));
            ps.setString(10, status);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new StoredKey(id, purpose, status, algorithm, publicKey, certificatePem, fingerprint,
                        secret, notAfter, instant(rs, 1), instant(rs, 2), where);
            }
        }
    }

    /**
     * Seals a secret that is not a key but must not sit in clear in PostgreSQL either (an
     * acceptance token waiting in an approval request), under the same vault; {@code aad} names
     * the row and column it belongs to, so a blob copied elsewhere fails to open.
     */
    public byte[] sealSecret(byte[] plaintext, String aad) {
        return vault.seal(plaintext, aad);
    }

    /** Opens what {@link #sealSecret} sealed with the same {@code aad}. */
    public byte[] openSecret(byte[] sealed, String aad) {
        return vault.open(sealed, aad);
    }

    /** The vault this store seals with. */
    public KeyVault vault() {
        return vault;
    }

    /** Every key's row without its secret, for {@code keys list}: nothing is opened. */
    public List<KeyEntry> list() {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, purpose, status, algorithm, fingerprint, not_after, "
                    + "created_at, retired_at, " + STORE_OF_ROW + " FROM sealed_keys ORDER BY purpose, created_at, id");
                 ResultSet rs = ps.executeQuery()) {
                List<KeyEntry> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new KeyEntry(rs.getString("id"), rs.getString("purpose"), rs.getString("status"),
                            rs.getString("algorithm"), rs.getString("fingerprint"), instant(rs, "not_after"),
                            instant(rs, "created_at"), instant(rs, "retired_at"), rs.getString("store")));
                }
                return out;
            }
        });
    }

    /** A key as {@code keys list} shows it: what and whose, and where its private half is, never its secret. */
    public record KeyEntry(String id, String purpose, String status, String algorithm, String fingerprint,
                           Instant notAfter, Instant createdAt, Instant retiredAt, String store) {
    }

    /** The active key of {@code purpose}, if any. */
    public Optional<StoredKey> active(String purpose) {
        return tx.read(c -> first(query(c, "WHERE purpose = ? AND status = 'active'", purpose)));
    }

    /** Every key of {@code purpose}, all statuses, oldest first. */
    public List<StoredKey> byPurpose(String purpose) {
        return tx.read(c -> byPurpose(c, purpose));
    }

    /** Every key of {@code purpose}, read on {@code c} (inside the caller's transaction). */
    public List<StoredKey> byPurpose(Connection c, String purpose) throws SQLException {
        return query(c, "WHERE purpose = ? ORDER BY created_at, id", purpose);
    }

    /** The key with this id, if any. */
    public Optional<StoredKey> byId(String id) {
        return tx.read(c -> byId(c, id));
    }

    /** The key with this id, read on {@code c} (so a key stored earlier in the same transaction is seen). */
    public Optional<StoredKey> byId(Connection c, String id) throws SQLException {
        return first(query(c, "WHERE id = ?", id));
    }

    /**
     * The sealed bytes of the keys with these ids that exist, by id, unopened: for a caller that
     * keeps what it opened earlier and only needs to know that the row is still there and
     * unchanged (a heartbeat round's node keys). One query for all of them.
     */
    public Map<String, byte[]> sealedSecrets(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, sealed_secret FROM sealed_keys WHERE id = ANY (?)")) {
                ps.setArray(1, c.createArrayOf("text", ids.toArray()));
                Map<String, byte[]> out = new HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.put(rs.getString(1), rs.getBytes(2));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Moves a key to {@code status} on {@code c}; retiring stamps {@code retired_at} (once), any
     * other status clears it.
     *
     * @throws EntenteException {@link ErrorCode#NOT_FOUND} when no key has this id
     */
    public void setStatus(Connection c, String id, String status) throws SQLException {
        checkStatus(status);
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE sealed_keys SET status = ?, "
                        + "retired_at = CASE WHEN ? = 'retired' THEN coalesce(retired_at, clock_timestamp()) END "
                        + "WHERE id = ?")) {
            ps.setString(1, status);
            ps.setString(2, status);
            ps.setString(3, id);
            if (ps.executeUpdate() == 0) {
                throw new EntenteException(ErrorCode.NOT_FOUND, "no sealed key " + id);
            }
        }
    }

    private List<StoredKey> query(Connection c, String where, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM sealed_keys " + where)) {
            ps.setString(1, arg);
            List<StoredKey> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString("id");
                    byte[] sealed = rs.getBytes("sealed_secret");
                    out.add(new StoredKey(id, rs.getString("purpose"), rs.getString("status"),
                            rs.getString("algorithm"), rs.getBytes("public_key"), rs.getString("certificate"),
                            rs.getString("fingerprint"), sealed == null ? null : open(c, sealed, id),
                            instant(rs, "not_after"), instant(rs, "created_at"), instant(rs, "retired_at"),
                            sealed == null ? Pkcs11Token.STORE : SEALED));
                }
            }
            return out;
        }
    }

    /**
     * Opens a sealed secret; when it does not open because another process re-keyed the vault, says
     * that ({@link ErrorCode#KEY_VAULT_REKEYED}) rather than calling the key corrupt.
     */
    private byte[] open(Connection c, byte[] sealed, String id) throws SQLException {
        try {
            return vault.open(sealed, id);
        } catch (EntenteException e) {
            if (e.code() == ErrorCode.KEY_MATERIAL_CORRUPT && !vault.isCurrent(c)) {
                throw KeyVault.rekeyedElsewhere();
            }
            throw e;
        }
    }

    private static Optional<StoredKey> first(List<StoredKey> keys) {
        return keys.stream().findFirst();
    }

    private static void checkStatus(String status) {
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("key status must be one of active, grace, retired; got " + status);
        }
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(ResultSet rs, int column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
