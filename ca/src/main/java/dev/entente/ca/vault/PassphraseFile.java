package dev.entente.ca.vault;

import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * The data dir's passphrase file across a rekey, when the hub reads its passphrase from there
 * ({@code dataDir} null when it comes from {@value Passphrases#ENV}: the operator's to change).
 *
 * <p>A rekey writes the new passphrase to {@code passphrase.next} before its transaction commits
 * ({@link #stage}) and moves it over {@code passphrase} after ({@link #commit}). A hub stopped
 * between the two finds a file passphrase the vault refuses next to a {@code passphrase.next} it
 * accepts: {@link #open} takes that one and finishes the move, so no crash strands the hub.
 */
public record PassphraseFile(Path dataDir) {
    /** Where a rekey keeps the new passphrase until its transaction commits. */
    public static final String NEXT_FILE_NAME = Passphrases.FILE_NAME + ".next";

    /** Whether the hub's passphrase is this file (else it is {@value Passphrases#ENV}). */
    public boolean used() {
        return dataDir != null;
    }

    /** The passphrase file, when {@link #used()}. */
    public Path file() {
        return dataDir.resolve(Passphrases.FILE_NAME);
    }

    /**
     * Opens the vault with {@code passphrase}; when it is refused and a rekey interrupted after its
     * commit left a {@code passphrase.next} that opens it, that one is used and moved into place.
     */
    public KeyVault open(Tx tx, char[] passphrase) {
        try {
            return KeyVault.open(tx, passphrase);
        } catch (EntenteException refused) {
            if (refused.code() != ErrorCode.KEY_PASSPHRASE_INVALID || !used()) {
                throw refused;
            }
            char[] next;
            try {
                next = Passphrases.read(dataDir.resolve(NEXT_FILE_NAME));
            } catch (IOException e) {
                next = null;
            }
            if (next == null) {
                throw refused;
            }
            try {
                KeyVault vault = KeyVault.open(tx, next);
                commit();
                return vault;
            } catch (EntenteException stillRefused) {
                throw refused;
            } finally {
                Arrays.fill(next, '\0');
            }
        }
    }

    /** Writes {@code next} to {@code passphrase.next}, mode 0600 from its creation; a no-op when the file is not used. */
    public void stage(char[] next) {
        if (!used()) {
            return;
        }
        Path staged = dataDir.resolve(NEXT_FILE_NAME);
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(next));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            Files.deleteIfExists(staged);
            Files.createFile(staged, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(staged, bytes);
        } catch (IOException | UnsupportedOperationException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "cannot write " + staged + " (" + e.getMessage()
                    + "); nothing was re-keyed", e);
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Moves {@code passphrase.next} over {@code passphrase}: the rekey committed. */
    public void commit() {
        if (!used()) {
            return;
        }
        Path staged = dataDir.resolve(NEXT_FILE_NAME);
        try {
            Files.move(staged, file(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "the vault was re-keyed, but " + staged
                    + " could not replace " + file() + " (" + e.getMessage() + "); move it there by hand before the next "
                    + "start (the hub also takes it up by itself at start)", e);
        }
    }

    /** Removes {@code passphrase.next}: the rekey did not commit, the old passphrase stays. */
    public void discard() {
        if (!used()) {
            return;
        }
        try {
            Files.deleteIfExists(dataDir.resolve(NEXT_FILE_NAME));
        } catch (IOException ignored) {
            // the vault refuses it anyway: open() only takes it up when it opens the vault
        }
    }
}
