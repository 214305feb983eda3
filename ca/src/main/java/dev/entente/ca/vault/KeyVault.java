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
import java.util.Arrays;
import java.util.Optional;

/**
 * The hub's key-encryption key: derived from the key passphrase with Argon2id, held only in
 * memory, and used to seal every private key before it reaches PostgreSQL.
 *
 * <p>The single {@code key_vault} row stores the KDF's salt and cost parameters and a
 * {@code check_blob} (a known constant sealed under the derived key), so a wrong passphrase is
 * refused at start-up, before any real key is opened or, worse, a new key is sealed under it.
 * The derived key itself is never stored.
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

    private final byte[] key;

    private KeyVault(byte[] key) {
        this.key = key;
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
            return new KeyVault(candidate);
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
            return new KeyVault(derived);
        } catch (AEADBadTagException e) {
            Arrays.fill(derived, (byte) 0);
            // No cause attached: the tag failure says nothing more than "wrong passphrase", and
            // the CLI prints the detail as is.
            throw new EntenteException(ErrorCode.KEY_PASSPHRASE_INVALID, WRONG_PASSPHRASE);
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
