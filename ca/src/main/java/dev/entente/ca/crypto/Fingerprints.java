package dev.entente.ca.crypto;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Certificate fingerprints with the JDK alone. Apart from {@link Certificates} because the CLI
 * pins the hub's certificate on every call, and touching {@code Certificates} loads BouncyCastle,
 * whose signed jar the JVM verifies (a tenth of a second) and class data sharing cannot archive.
 */
public final class Fingerprints {
    private Fingerprints() {
    }

    /** SHA-256 of the DER encoding, lower-case hex: the fingerprint peers pin. */
    public static String of(X509Certificate cert) {
        try {
            return sha256Hex(cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A fingerprint as an operator pastes it ({@code sha256:AB:CD:...}, {@code AB:CD...}, plain hex,
     * any case) in the form this hub stores and compares: 64 lowercase hex digits.
     *
     * @throws EntenteException {@code invalid_request} naming {@code field} when it is not a SHA-256
     */
    public static String normalise(String field, String text) {
        String f = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (f.startsWith("sha256:")) {
            f = f.substring("sha256:".length());
        }
        f = f.replace(":", "");
        if (!f.matches("[0-9a-f]{64}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, field + " must be a SHA-256 fingerprint: 64 hex digits, "
                    + "with or without colons and a sha256: prefix (as 'entente tls info' prints it)", Map.of("field", field));
        }
        return f;
    }
}
