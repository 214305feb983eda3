package dev.entente.ca.crypto;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * AES-256-GCM with a random 12-byte nonce prepended to the ciphertext and a 128-bit tag.
 *
 * <p>Layout of a sealed blob: {@code nonce (12) || ciphertext || tag (16)}. The caller's AAD is
 * authenticated but not stored: binding a blob to, say, its row id means a blob copied into
 * another row fails to open instead of silently handing out the wrong key.
 */
public final class Aead {
    /** AES-256 key length. */
    public static final int KEY_BYTES = 32;
    /** GCM nonce length: random per seal (2^-32 collision risk only after ~2^32 seals per key). */
    public static final int NONCE_BYTES = 12;
    /** GCM tag length in bits. */
    public static final int TAG_BITS = 128;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Aead() {
    }

    /** Encrypts and authenticates {@code plaintext}, binding {@code aad}. */
    public static byte[] seal(byte[] key, byte[] plaintext, byte[] aad) {
        checkKey(key);
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad);
            byte[] out = new byte[NONCE_BYTES + cipher.getOutputSize(plaintext.length)];
            System.arraycopy(nonce, 0, out, 0, NONCE_BYTES);
            cipher.doFinal(plaintext, 0, plaintext.length, out, NONCE_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding unavailable", e);
        }
    }

    /**
     * Decrypts a blob from {@link #seal}.
     *
     * @throws AEADBadTagException when the blob was altered, truncated, sealed under another key
     *                             or with another AAD
     */
    public static byte[] open(byte[] key, byte[] sealed, byte[] aad) throws AEADBadTagException {
        checkKey(key);
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new AEADBadTagException("sealed blob is too short");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                    new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 0, NONCE_BYTES)));
            cipher.updateAAD(aad);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw e;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM/NoPadding unavailable", e);
        }
    }

    private static void checkKey(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("AES-256-GCM needs a 32-byte key");
        }
    }
}
