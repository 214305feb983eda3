package dev.entente.ca.jws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Compact JWS with EdDSA (Ed25519) and nothing else: Entente's operator tokens and acceptance
 * tokens. Parsing enforces the {@code alg} allow-list before any signature work, so {@code none}
 * and {@code HS256} (the public key used as an HMAC secret) never reach a verifier. Each failure
 * is a {@link Failure} kind that callers map to their own stable error codes.
 */
public final class CompactJws {
    /** The only accepted {@code alg}. */
    public static final String ALG = "EdDSA";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final long MIN_DATE = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX_DATE = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private CompactJws() {
    }

    /** Why a token was refused, in the order the checks run. */
    public enum Failure {
        /** Not three base64url parts of JSON objects, or a critical header. */
        MALFORMED,
        /** {@code alg} is not EdDSA. */
        ALG_FORBIDDEN,
        /** Unknown key id, or the signature does not verify. */
        SIGNATURE_INVALID
    }

    /** A refusal; {@link #failure()} says which check failed. */
    public static final class JwsException extends RuntimeException {
        private final Failure failure;

        JwsException(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }

        public Failure failure() {
            return failure;
        }
    }

    /** A token whose signature verified: its header and claims. */
    public record Verified(JsonNode header, JsonNode claims) {
        public String text(String claim) {
            JsonNode v = claims.get(claim);
            return v == null || v.isNull() ? null : v.asText();
        }
    }

    /**
     * A NumericDate claim as an instant, clamped to years 0-9999: a claim of 2^63 seconds is
     * merely far away, not a reason for {@code Instant} arithmetic to throw.
     */
    public static Instant numericDate(long epochSecond) {
        return Instant.ofEpochSecond(Math.max(MIN_DATE, Math.min(MAX_DATE, epochSecond)));
    }

    /** Signs {@code claims} with an Ed25519 key, naming it {@code kid}. */
    public static String sign(Map<String, Object> claims, String kid, PrivateKey key) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", ALG);
        header.put("typ", "JWT");
        header.put("kid", kid);
        String input = b64Json(header) + "." + b64Json(claims);
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return input + "." + B64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign a token with Ed25519", e);
        }
    }

    /**
     * Checks shape, then alg, then the signature with the key {@code keys} returns for the
     * header's {@code kid} (null when unknown). Claims are not interpreted here.
     */
    public static Verified verify(String token, Function<String, PublicKey> keys) {
        String[] parts = split(token);
        JsonNode header = json(parts[0], "header");
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || !ALG.equals(alg.asText())) {
            throw new JwsException(Failure.ALG_FORBIDDEN, "alg " + (alg == null ? "(missing)" : alg.toString())
                    + " is not allowed; only EdDSA is accepted");
        }
        if (header.has("crit")) {
            throw new JwsException(Failure.MALFORMED, "critical header parameters are not supported");
        }
        JsonNode kid = header.get("kid");
        if (kid != null && (!kid.isTextual() || !printable(kid.asText()))) {
            // a key id goes to a key lookup (and possibly the database): only printable text does
            throw new JwsException(Failure.MALFORMED, "token header kid must be printable text");
        }
        PublicKey key = kid == null ? null : keys.apply(kid.asText());
        byte[] signature = decode(parts[2], "signature");
        if (key == null || signature.length != 64 || !verifies(key, parts[0] + "." + parts[1], signature)) {
            throw new JwsException(Failure.SIGNATURE_INVALID, "the signature does not verify under this hub's key");
        }
        return new Verified(header, json(parts[1], "claims"));
    }

    /**
     * The claims of a token WITHOUT checking its signature: for the accepting hub, which cannot
     * verify the proposer's key and only reads where to connect and which certificate to pin
     * (a forged token then fails at the pin or at the proposer's own verification).
     */
    public static JsonNode unverifiedClaims(String token) {
        String[] parts = split(token);
        json(parts[0], "header");
        return json(parts[1], "claims");
    }

    private static String[] split(String token) {
        if (token == null || token.isBlank()) {
            throw new JwsException(Failure.MALFORMED, "no token");
        }
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3) {
            throw new JwsException(Failure.MALFORMED, "a token has three dot-separated parts, this one has " + parts.length);
        }
        return parts;
    }

    private static boolean printable(String s) {
        return s.length() <= 256 && s.chars().noneMatch(c -> c < 0x20 || c == 0x7f);
    }

    private static boolean verifies(PublicKey key, String input, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(input.getBytes(StandardCharsets.US_ASCII));
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String b64Json(Map<String, Object> m) {
        try {
            return B64.encodeToString(JSON.writeValueAsBytes(m));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Strict base64url (RFC 7515 §2): no padding, no other alphabet, and the unused low bits of
     * the last character zero. Java's decoder ignores those bits, so without the re-encoding
     * check one signature would have several spellings, and a token could be altered without
     * breaking it: harmless to the signature, but a second token for anything keyed on the text.
     */
    private static byte[] decode(String part, String what) {
        byte[] bytes;
        try {
            bytes = B64D.decode(part);
        } catch (IllegalArgumentException e) {
            throw new JwsException(Failure.MALFORMED, "token " + what + " is not base64url");
        }
        if (!B64.encodeToString(bytes).equals(part)) {
            throw new JwsException(Failure.MALFORMED, "token " + what + " is not canonical base64url "
                    + "(padding, or non-zero bits after the last byte)");
        }
        return bytes;
    }

    private static JsonNode json(String part, String what) {
        try {
            JsonNode n = JSON.readTree(decode(part, what));
            if (n == null || !n.isObject()) {
                throw new JwsException(Failure.MALFORMED, "token " + what + " is not a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw new JwsException(Failure.MALFORMED, "token " + what + " is not JSON");
        }
    }
}
