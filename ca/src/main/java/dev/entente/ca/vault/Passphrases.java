package dev.entente.ca.vault;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

/**
 * Where the key passphrase comes from: {@value #ENV} when set, otherwise a generated file
 * {@code <data-dir>/passphrase}.
 *
 * <p>The file is created with mode 0600 in the same system call that creates it (a
 * {@link PosixFilePermissions#asFileAttribute file attribute}, never a chmod afterwards), so there
 * is no window in which another local user can open it. It is written under a temporary name and
 * hard-linked into place, so two hubs starting at once never read a half-written passphrase and
 * never overwrite each other's.
 */
public final class Passphrases {
    /** The environment variable that carries the passphrase. */
    public static final String ENV = "ENTENTE_KEY_PASSPHRASE";
    /** The generated file's name inside the data directory. */
    public static final String FILE_NAME = "passphrase";

    private static final int RANDOM_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY_DIR =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));

    private Passphrases() {
    }

    /**
     * The passphrase: {@value #ENV} from {@code env} when set and non-empty, else the contents of
     * {@code <dataDir>/passphrase}, generated on first use (32 random bytes, base64url).
     *
     * @throws EntenteException {@link ErrorCode#DATA_DIR_UNUSABLE} when the data directory or the
     *                          file cannot be created, read or written
     */
    public static char[] resolve(Path dataDir, Map<String, String> env) {
        String fromEnv = env.get(ENV);
        if (fromEnv != null && !fromEnv.isEmpty()) {
            return fromEnv.toCharArray();
        }
        Path file = dataDir.resolve(FILE_NAME);
        try {
            if (!Files.isDirectory(dataDir)) {
                Files.createDirectories(dataDir, OWNER_ONLY_DIR);
            }
            char[] existing = read(file);
            if (existing != null) {
                return existing;
            }
            generate(dataDir, file);
            char[] generated = read(file);
            if (generated == null) {
                throw new IOException(file + " vanished right after it was created");
            }
            return generated;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new EntenteException(ErrorCode.DATA_DIR_UNUSABLE, "cannot read or create the key passphrase file "
                    + file + " (" + describe(e) + "); make the data directory a writable directory, "
                    + "or set " + ENV, e);
        }
    }

    /** Whether {@link #resolve} takes the passphrase from the data dir's file: {@value #ENV} is unset or empty. */
    public static boolean fromFile(Map<String, String> env) {
        String fromEnv = env.get(ENV);
        return fromEnv == null || fromEnv.isEmpty();
    }

    /** The file's passphrase, or {@code null} when there is no file yet. */
    static char[] read(Path file) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            // tolerate a trailing newline from an operator's `echo ... > passphrase`
            int end = bytes.length;
            while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
                end--;
            }
            if (end == 0) {
                throw new IOException(file + " is empty");
            }
            CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(bytes, 0, end));
            char[] out = new char[chars.remaining()];
            chars.get(out);
            if (chars.hasArray()) {
                Arrays.fill(chars.array(), '\0');
            }
            return out;
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    private static void generate(Path dataDir, Path file) throws IOException {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        byte[] encoded = Base64.getUrlEncoder().withoutPadding().encode(random);
        Arrays.fill(random, (byte) 0);
        Path tmp = Files.createTempFile(dataDir, ".passphrase-", ".tmp", OWNER_ONLY_FILE);
        try {
            Files.write(tmp, encoded);
            try {
                // link(2) never replaces an existing file: the first hub's passphrase wins a race
                Files.createLink(file, tmp);
            } catch (FileAlreadyExistsException lostRace) {
                // another process created it first; its passphrase is the one to use
            } catch (UnsupportedOperationException | IOException noHardLinks) {
                // file systems without hard links: a rename that refuses to replace an existing
                // file (checked, then moved: a narrow race, but never a silent overwrite of a
                // file that existed before we looked)
                try {
                    Files.move(tmp, file);
                } catch (FileAlreadyExistsException lostRace) {
                    // as above
                }
            }
        } finally {
            Arrays.fill(encoded, (byte) 0);
            Files.deleteIfExists(tmp);
        }
    }

    private static String describe(Exception e) {
        String what = e.getClass().getSimpleName();
        return e.getMessage() == null ? what : what + ": " + e.getMessage();
    }
}
