package dev.entente.ca.vault;

import dev.entente.ca.crypto.Aead;
import dev.entente.ca.crypto.Argon2id;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import javax.crypto.AEADBadTagException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The hub's key-encryption key: derived from the key passphrase with Argon2id, held only in
 * memory, and used to seal every private key before it reaches PostgreSQL.
 *
 * <p>The single {@code key_vault} row stores the KDF's salt and cost parameters and a
 * {@code check_blob} (a known constant sealed under the derived key), so a wrong passphrase is
 * refused at start-up, before any real key is opened or, worse, a new key is sealed under it.
 * The derived key itself is never stored.
 *
 * <p>{@link #rekey} re-seals every sealed blob under a key derived from a new passphrase, in one
 * transaction. A process that opened the vault before another process re-keyed it holds a stale
 * key: {@link #checkCurrent} (run by every seal) refuses to seal under it, so no blob is ever
 * written that the new passphrase cannot open.
 */
public final class KeyVault {
    /** The message operators see for a wrong passphrase; it names the fix. */
    static final String WRONG_PASSPHRASE = "the key passphrase does not open this hub's key vault; "
            + "set ENTENTE_KEY_PASSPHRASE to the passphrase this hub was created with, "
            + "or restore <data-dir>/passphrase";

    private static final byte[] CHECK_PLAINTEXT = "entente key vault check v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHECK_AAD = "key_vault.check_blob".getBytes(StandardCharsets.US_ASCII);
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Shortest new passphrase {@link #rekey} accepts; a generated one is 43 characters. */
    public static final int MIN_PASSPHRASE_LENGTH = 12;

    // Replaced together by a rekey of this process; a reader may see the new key with the old
    // salt for an instant, which only makes checkCurrent refuse a seal it could have allowed.
    private volatile byte[] key;
    private volatile byte[] salt;

    private KeyVault(byte[] key, byte[] salt) {
        this.key = key;
        this.salt = salt;
    }

    /** Opens (or, on an empty database, creates) the vault with production Argon2id parameters. */
    public static KeyVault open(Tx tx, char[] passphrase) {
        return open(tx, passphrase, Argon2id.Params.forNewVault());
    }

    /**
     * Opens the vault; {@code paramsForNewVault} apply only when this call creates it (specs pass
     * small ones for speed). An existing vault always uses the parameters stored with it.
     *
     * @throws EntenteException {@link ErrorCode#KEY_PASSPHRASE_INVALID} when the passphrase does
     *                          not open the existing vault
     */
    public static KeyVault open(Tx tx, char[] passphrase, Argon2id.Params paramsForNewVault) {
        if (passphrase == null || passphrase.length == 0) {
            throw new IllegalArgumentException("the key passphrase must not be empty");
        }
        Optional<Header> existing = tx.read(KeyVault::header);
        if (existing.isPresent()) {
            return unlock(existing.get(), passphrase);
        }
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        byte[] candidate = Argon2id.derive(passphrase, salt, paramsForNewVault);
        byte[] check = Aead.seal(candidate, CHECK_PLAINTEXT, CHECK_AAD);
        // Two hubs starting on the same empty database both get here: ON CONFLICT DO NOTHING
        // lets exactly one row win, and everyone (winner included) re-reads it, so no hub keeps
        // sealing keys under a key-encryption key whose salt was thrown away.
        Header stored = tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO key_vault (singleton, kdf, salt, memory_kib, iterations, parallelism, check_blob) "
                            + "VALUES (true, ?, ?, ?, ?, ?, ?) ON CONFLICT (singleton) DO NOTHING")) {
                ps.setString(1, Argon2id.NAME);
                ps.setBytes(2, salt);
                ps.setInt(3, paramsForNewVault.memoryKib());
                ps.setInt(4, paramsForNewVault.iterations());
                ps.setInt(5, paramsForNewVault.parallelism());
                ps.setBytes(6, check);
                ps.executeUpdate();
            }
            return header(c).orElseThrow(() -> new IllegalStateException("key_vault row vanished after insert"));
        });
        if (MessageDigest.isEqual(stored.salt(), salt) && MessageDigest.isEqual(stored.checkBlob(), check)) {
            return new KeyVault(candidate, salt);
        }
        Arrays.fill(candidate, (byte) 0);
        return unlock(stored, passphrase);
    }

    /** Seals {@code plaintext}, bound to {@code aad} (a sealed key's id). */
    public byte[] seal(byte[] plaintext, String aad) {
        return Aead.seal(key, plaintext, aad(aad));
    }

    /**
     * Opens a blob sealed with the same {@code aad}.
     *
     * @throws EntenteException {@link ErrorCode#KEY_MATERIAL_CORRUPT} when the blob was altered,
     *                          moved from another row, or sealed by another vault
     */
    public byte[] open(byte[] sealed, String aad) {
        try {
            return Aead.open(key, sealed, aad(aad));
        } catch (AEADBadTagException e) {
            throw new EntenteException(ErrorCode.KEY_MATERIAL_CORRUPT, "sealed key " + aad
                    + " cannot be opened: it was altered, copied from another key, or sealed by another key vault; "
                    + "restore the sealed_keys table from a backup of this hub");
        }
    }

    /**
     * Opens a vault from its header alone, with no database: a restore checks the passphrase this
     * way before it creates or loads anything.
     *
     * @throws EntenteException {@link ErrorCode#KEY_PASSPHRASE_INVALID} when the passphrase does
     *                          not open the vault
     */
    public static KeyVault unlock(Header row, char[] passphrase) {
        if (passphrase == null || passphrase.length == 0) {
            throw new IllegalArgumentException("the key passphrase must not be empty");
        }
        if (!Argon2id.NAME.equals(row.kdf())) {
            throw new EntenteException(ErrorCode.KEY_MATERIAL_CORRUPT,
                    "key vault uses unknown kdf " + row.kdf() + "; this hub only knows " + Argon2id.NAME);
        }
        Argon2id.Params params;
        try {
            params = new Argon2id.Params(row.memoryKib(), row.iterations(), row.parallelism());
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.KEY_MATERIAL_CORRUPT, "key vault parameters are invalid: "
                    + e.getMessage());
        }
        byte[] derived = Argon2id.derive(passphrase, row.salt(), params);
        try {
            byte[] check = Aead.open(derived, row.checkBlob(), CHECK_AAD);
            if (!MessageDigest.isEqual(check, CHECK_PLAINTEXT)) {
                throw new AEADBadTagException("check blob holds an unexpected plaintext");
            }
            return new KeyVault(derived, row.salt());
        } catch (AEADBadTagException e) {
            Arrays.fill(derived, (byte) 0);
            // No cause attached: the tag failure says nothing more than "wrong passphrase", and
            // the CLI prints the detail as is.
            throw new EntenteException(ErrorCode.KEY_PASSPHRASE_INVALID, WRONG_PASSPHRASE);
        }
    }

    /**
     * Refuses, on {@code c}, when the database's vault is no longer the one this process opened
     * (another process re-keyed it). Holds the vault row shared until {@code c}'s transaction
     * ends, so a rekey cannot commit between this check and the caller's seal.
     *
     * @throws EntenteException {@link ErrorCode#KEY_VAULT_REKEYED}
     */
    public void checkCurrent(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT salt FROM key_vault WHERE singleton FOR SHARE");
             ResultSet rs = ps.executeQuery()) {
            if (rs.next() && !MessageDigest.isEqual(rs.getBytes(1), salt)) {
                throw rekeyedElsewhere();
            }
        }
    }

    /** Whether the database's vault is still the one this process opened; false once another process re-keyed it. */
    public boolean isCurrent(Connection c) throws SQLException {
        return header(c).map(h -> MessageDigest.isEqual(h.salt(), salt)).orElse(true);
    }

    static EntenteException rekeyedElsewhere() {
        return new EntenteException(ErrorCode.KEY_VAULT_REKEYED, "the key vault was re-keyed by another process since this "
                + "one started: it can neither seal nor open keys; restart it with the new passphrase "
                + "(ENTENTE_KEY_PASSPHRASE or <data-dir>/passphrase)");
    }

    /**
     * What a rekey did.
     *
     * @param blobs   sealed blobs re-sealed, per {@code table.column}
     * @param params  the new key's Argon2id parameters
     */
    public record Rekeyed(Map<String, Integer> blobs, Argon2id.Params params) {
        public int total() {
            return blobs.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /**
     * Re-seals every blob of {@code columns} under a key derived from {@code next}, and replaces
     * the vault's salt, parameters and check blob, all in one transaction: it commits whole, or
     * nothing changed and {@code current} still opens everything. This process uses the new key
     * from the moment it returns; other processes holding the old one are refused
     * ({@link #checkCurrent}) until restarted with {@code next}.
     *
     * <p>{@code witness} runs in the same transaction once everything is re-sealed (the audit
     * event). {@code columns} must name every {@code sealed_*} bytea column of the schema: a column it
     * misses would keep blobs only the old passphrase opens, so the rekey refuses to start.
     *
     * @throws EntenteException {@link ErrorCode#REKEY_PASSPHRASE_REJECTED} when {@code current}
     *                          does not open the vault, {@link ErrorCode#REKEY_PASSPHRASE_UNUSABLE}
     *                          when {@code next} is too short or is {@code current},
     *                          {@link ErrorCode#KEY_MATERIAL_CORRUPT} when a blob does not open
     *                          (nothing is changed then)
     */
    public Rekeyed rekey(Tx tx, char[] current, char[] next, Argon2id.Params params, List<SealedColumn> columns,
                         Witness witness) {
        if (next == null || next.length < MIN_PASSPHRASE_LENGTH) {
            throw new EntenteException(ErrorCode.REKEY_PASSPHRASE_UNUSABLE, "the new key passphrase must be at least "
                    + MIN_PASSPHRASE_LENGTH + " characters long");
        }
        if (current != null && Arrays.equals(current, next)) {
            throw new EntenteException(ErrorCode.REKEY_PASSPHRASE_UNUSABLE, "the new key passphrase is the current one; "
                    + "choose another");
        }
        if (current == null || current.length == 0) {
            throw rejected();
        }
        byte[] newSalt = new byte[SALT_BYTES];
        RANDOM.nextBytes(newSalt);
        byte[] newKey = Argon2id.derive(next, newSalt, params);
        byte[] check = Aead.seal(newKey, CHECK_PLAINTEXT, CHECK_AAD);
        Rekeyed done = tx.inTransaction(c -> {
            Header h = lockHeader(c);
            byte[] oldKey;
            try {
                oldKey = unlock(h, current).key;
            } catch (EntenteException e) {
                if (e.code() == ErrorCode.KEY_PASSPHRASE_INVALID) {
                    throw rejected();
                }
                throw e;
            }
            if (!MessageDigest.isEqual(h.salt(), salt)) {
                throw rekeyedElsewhere();
            }
            checkCovered(c, columns);
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (SealedColumn column : columns) {
                counts.put(column.table() + "." + column.blobColumn(), column.reseal(c, oldKey, newKey));
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE key_vault SET kdf = ?, salt = ?, memory_kib = ?, "
                    + "iterations = ?, parallelism = ?, check_blob = ? WHERE singleton")) {
                ps.setString(1, Argon2id.NAME);
                ps.setBytes(2, newSalt);
                ps.setInt(3, params.memoryKib());
                ps.setInt(4, params.iterations());
                ps.setInt(5, params.parallelism());
                ps.setBytes(6, check);
                ps.executeUpdate();
            }
            Rekeyed rekeyed = new Rekeyed(Map.copyOf(counts), params);
            witness.rekeyed(c, rekeyed);
            return rekeyed;
        });
        // The old key opens nothing any more: it is dropped now, not at the next start.
        byte[] old = key;
        key = newKey;
        salt = newSalt;
        Arrays.fill(old, (byte) 0);
        return done;
    }

    /** What must commit with a rekey or not at all: its audit event. */
    @FunctionalInterface
    public interface Witness {
        void rekeyed(Connection c, Rekeyed rekeyed) throws SQLException;
    }

    private static EntenteException rejected() {
        return new EntenteException(ErrorCode.REKEY_PASSPHRASE_REJECTED, "the current key passphrase given does not open "
                + "this hub's key vault; give the one the hub runs with (ENTENTE_KEY_PASSPHRASE or <data-dir>/passphrase); "
                + "nothing was changed");
    }

    private static Header lockHeader(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM key_vault WHERE singleton FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("no key vault to re-key");
            }
        }
        return header(c).orElseThrow();
    }

    /** Refuses a rekey that would leave a {@code sealed_*} column under the old key. */
    private static void checkCovered(Connection c, List<SealedColumn> columns) throws SQLException {
        Set<String> known = new HashSet<>();
        columns.forEach(col -> known.add(col.table() + "." + col.blobColumn()));
        List<String> missed = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT table_name, column_name FROM information_schema.columns "
                + "WHERE table_schema = current_schema() AND data_type = 'bytea' AND column_name LIKE 'sealed\\_%' "
                + "ORDER BY table_name, column_name");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString(1) + "." + rs.getString(2);
                if (!known.contains(name)) {
                    missed.add(name);
                }
            }
        }
        if (!missed.isEmpty()) {
            throw new IllegalStateException("sealed column(s) " + missed + " are not re-sealed by a rekey; nothing was changed");
        }
    }

    private static byte[] aad(String aad) {
        if (aad == null || aad.isEmpty()) {
            throw new IllegalArgumentException("a sealed blob needs a non-empty AAD (the key id)");
        }
        return aad.getBytes(StandardCharsets.UTF_8);
    }

    /** The {@code key_vault} row, if the vault exists. */
    public static Optional<Header> header(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT kdf, salt, memory_kib, iterations, parallelism, check_blob FROM key_vault WHERE singleton");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Optional.empty();
            }
            return Optional.of(new Header(rs.getString(1), rs.getBytes(2), rs.getInt(3), rs.getInt(4), rs.getInt(5),
                    rs.getBytes(6)));
        }
    }

    /**
     * The {@code key_vault} row: how the key-encryption key is derived, and the check blob sealed
     * under it. Nothing in it is secret; a backup carries it so a restore can check a passphrase
     * without a database.
     */
    public record Header(String kdf, byte[] salt, int memoryKib, int iterations, int parallelism, byte[] checkBlob) {
    }
}
