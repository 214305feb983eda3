package dev.entente.federation.grant;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The grant bearer token: {@code fg-<grant-uuid>.<secret>}, the secret being 32 random bytes in
 * unpadded base64url (43 characters). The id half finds the row; the secret half proves
 * possession. Only {@link #digest SHA-256 of the secret's text} is stored.
 */
public final class GrantTokens {
    /** Every token starts with this, so leaked tokens are easy to recognise (secret scanners). */
    public static final String PREFIX = "fg-";
    // Exactly what issue() produces: lower-case canonical UUID, 43 base64url characters. Anything
    // else (UUID.fromString's lenient forms, padding, whitespace) is malformed, not "unknown".
    private static final Pattern FORMAT = Pattern.compile(
            "fg-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\\.([A-Za-z0-9_-]{43})");
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * A token taken apart.
     *
     * @param grantId the grant it names
     * @param secret  its secret, as text
     */
    public record Parsed(UUID grantId, String secret) {
        @Override
        public String toString() {
            return "Parsed[grantId=" + grantId + ", secret=<redacted>]";
        }
    }

    private GrantTokens() {
    }

    /** A fresh secret: 32 bytes from {@link SecureRandom}, base64url without padding. */
    static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** {@code fg-<grantId>.<secret>}. */
    static String format(UUID grantId, String secret) {
        return PREFIX + grantId + "." + secret;
    }

    /**
     * Takes a presented token apart.
     *
     * @throws EntenteException {@code grant_token_malformed} (401) when it is not
     *                          {@code fg-<uuid>.<secret>}; the message never echoes the token
     */
    public static Parsed parse(String token) {
        Matcher m = token == null ? null : FORMAT.matcher(token);
        if (m == null || !m.matches()) {
            throw new EntenteException(ErrorCode.GRANT_TOKEN_MALFORMED, token == null || token.isEmpty()
                    ? "no grant token given; pass the bearer token the issuing hub printed (fg-<grant-id>.<secret>)"
                    : "the grant token is not of the form fg-<grant-id>.<secret> (" + token.length()
                    + " characters" + (token.startsWith(PREFIX) ? "" : ", no fg- prefix")
                    + "); check it was copied whole");
        }
        return new Parsed(UUID.fromString(m.group(1)), m.group(2));
    }

    /** SHA-256 of the secret's text (UTF-8): what {@code grants.secret_digest} holds. */
    public static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
