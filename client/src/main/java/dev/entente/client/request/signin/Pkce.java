package dev.entente.client.request.signin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * PKCE S256 (RFC 7636 4.2): the CLI sends the challenge of a verifier it keeps, the hub checks the
 * verifier against it when the CLI redeems its code; the hub uses it towards the provider too.
 */
public final class Pkce {
    private Pkce() {
    }

    public static String challenge(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
