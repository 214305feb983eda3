package dev.entente.ca.crypto;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Derives a 32-byte key-encryption key from a passphrase with Argon2id (version 1.3).
 *
 * <p>Argon2id is memory-hard: someone who copies the database and wants to guess the passphrase
 * pays {@link Params#memoryKib()} of RAM per guess, which is what makes a stolen {@code key_vault}
 * row expensive to attack offline.
 */
public final class Argon2id {
    /** Length of every derived key: an AES-256 key. */
    public static final int KEY_BYTES = 32;
    /** Name stored in {@code key_vault.kdf}. */
    public static final String NAME = "argon2id";

    private Argon2id() {
    }

    /**
     * Cost parameters. Production uses {@link #DEFAULTS} (64 MiB, 3 passes, 1 lane, the
     * RFC 9106 "second recommended" profile); specs pass small ones (e.g. 1024 KiB, 1 pass) for
     * speed. Parameters are stored with the vault, so changing the defaults never locks out an
     * existing hub.
     */
    public record Params(int memoryKib, int iterations, int parallelism) {
        /** 65536 KiB, 3 iterations, 1 lane. */
        public static final Params DEFAULTS = new Params(65_536, 3, 1);

        /**
         * Set to {@code true} (a JVM system property, never a setting) only by the test suite: it
         * starts hundreds of hubs, and 64 MiB × 3 passes per new vault was a third of each start.
         */
        public static final String WEAK_FOR_TESTS_PROPERTY = "entente.testing.weak-kdf";

        /** Still real Argon2id, at the cost the algorithm's own specs use. */
        static final Params WEAK_FOR_TESTS = new Params(1024, 1, 1);

        /** What a vault created now gets: {@link #DEFAULTS} unless the suite asked for speed. */
        public static Params forNewVault() {
            return Boolean.getBoolean(WEAK_FOR_TESTS_PROPERTY) ? WEAK_FOR_TESTS : DEFAULTS;
        }

        /** Upper bound on memory: a tampered row must not make start-up allocate unbounded RAM. */
        public static final int MAX_MEMORY_KIB = 4 * 1024 * 1024;

        public Params {
            if (parallelism < 1 || parallelism > 64) {
                throw new IllegalArgumentException("argon2 parallelism must be 1..64, got " + parallelism);
            }
            if (iterations < 1 || iterations > 100) {
                throw new IllegalArgumentException("argon2 iterations must be 1..100, got " + iterations);
            }
            if (memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
                throw new IllegalArgumentException("argon2 memory must be 8*parallelism.." + MAX_MEMORY_KIB
                        + " KiB, got " + memoryKib);
            }
        }
    }

    /** Derives a {@value #KEY_BYTES}-byte key; the passphrase is read, never modified. */
    public static byte[] derive(char[] passphrase, byte[] salt, Params params) {
        if (salt == null || salt.length < 8) {
            throw new IllegalArgumentException("argon2 salt must be at least 8 bytes");
        }
        Argon2Parameters p = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(params.memoryKib())
                .withIterations(params.iterations())
                .withParallelism(params.parallelism())
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(p);
        // Encode as UTF-8 ourselves (not BouncyCastle's default converter) so the derived key
        // never depends on a library default, and wipe the copy once it has been used.
        byte[] password = utf8(passphrase);
        byte[] out = new byte[KEY_BYTES];
        try {
            generator.generateBytes(password, out);
        } finally {
            Arrays.fill(password, (byte) 0);
        }
        return out;
    }

    /** Derives with explicit parameters: memory in KiB, iterations, lanes. */
    public static byte[] derive(char[] passphrase, byte[] salt, int memoryKib, int iterations, int parallelism) {
        return derive(passphrase, salt, new Params(memoryKib, iterations, parallelism));
    }

    private static byte[] utf8(char[] chars) {
        ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(chars));
        byte[] bytes = new byte[buf.remaining()];
        buf.get(bytes);
        if (buf.hasArray()) {
            Arrays.fill(buf.array(), (byte) 0);
        }
        return bytes;
    }
}
