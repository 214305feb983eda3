package dev.entente.controlplane.security;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Operator bearer tokens: compact JWS, EdDSA (Ed25519) only.
 *
 * <p>Verification is hand-written rather than delegated to a JWT library so that every failure
 * has its own stable code and so that the {@code alg} allow-list is enforced before any
 * signature work: {@code none} and {@code HS256} (the classic key-confusion attack, where the
 * public key is used as an HMAC secret) never reach a verifier.
 */
public final class OperatorTokens {
    /** The only accepted {@code alg}. */
    public static final Set<String> ALLOWED_ALGS = Set.of("EdDSA");
    public static final String AUDIENCE = "entente-admin";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final String hubId;
    private final String keyId;
    private final PrivateKey signingKey;
    private final Map<String, PublicKey> verificationKeys;
    private final Clock clock;
    private final Duration skew;

    public OperatorTokens(String hubId, String keyId, PrivateKey signingKey, Map<String, PublicKey> verificationKeys,
                          Clock clock, Duration skew) {
        this.hubId = hubId;
        this.keyId = keyId;
        this.signingKey = signingKey;
        this.verificationKeys = Map.copyOf(verificationKeys);
        this.clock = clock;
        this.skew = skew;
    }

    /** An issued token; the token string is shown once and never stored. */
    public record Issued(String token, String subject, Set<Role> roles, Instant expiresAt, UUID jti) {
    }

    public Issued issue(String subject, Set<Role> roles, Duration ttl) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        UUID jti = UUID.randomUUID();
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "EdDSA");
        header.put("typ", "JWT");
        header.put("kid", keyId);
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", hubId);
        claims.put("aud", AUDIENCE);
        claims.put("sub", subject);
        claims.put("roles", roles.stream().map(Role::value).sorted().toList());
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", exp.getEpochSecond());
        claims.put("jti", jti.toString());
        String signingInput = b64Json(header) + "." + b64Json(claims);
        return new Issued(signingInput + "." + B64.encodeToString(sign(signingInput)), subject, Set.copyOf(roles),
                Instant.ofEpochSecond(exp.getEpochSecond()), jti);
    }

    /** Checks a bearer token; every failure is a 401 with its own code. */
    public OperatorPrincipal verify(String token) {
        if (token == null || token.isBlank()) {
            throw fail(ErrorCode.AUTH_TOKEN_MISSING, "send 'Authorization: Bearer <token>'; the local admin token is <data-dir>/admin.token");
        }
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            throw fail(ErrorCode.AUTH_TOKEN_MALFORMED, "a token has three dot-separated parts, this one has " + parts.length);
        }
        JsonNode header = decodeJson(parts[0], "header");
        JsonNode alg = header.get("alg");
        // The allow-list comes first: an attacker-chosen alg must not pick the verifier.
        if (alg == null || !alg.isTextual() || !ALLOWED_ALGS.contains(alg.asText())) {
            throw fail(ErrorCode.AUTH_TOKEN_ALG_FORBIDDEN, "alg " + (alg == null ? "(missing)" : alg.toString())
                    + " is not allowed; only EdDSA tokens issued by this hub are accepted");
        }
        if (header.has("crit")) {
            throw fail(ErrorCode.AUTH_TOKEN_MALFORMED, "critical header parameters are not supported");
        }
        JsonNode kid = header.get("kid");
        PublicKey key = kid == null ? null : verificationKeys.get(kid.asText());
        byte[] signature = decode(parts[2], "signature");
        if (key == null || signature.length != 64 || !verifySignature(key, parts[0] + "." + parts[1], signature)) {
            throw fail(ErrorCode.AUTH_TOKEN_SIGNATURE_INVALID, "the signature does not verify under this hub's operator-token key");
        }
        JsonNode claims = decodeJson(parts[1], "claims");
        if (!hubId.equals(text(claims, "iss")) || !audienceMatches(claims.get("aud"))) {
            throw fail(ErrorCode.AUTH_TOKEN_WRONG_HUB, "token was issued by " + text(claims, "iss") + " for "
                    + claims.get("aud") + ", not by " + hubId + " for " + AUDIENCE);
        }
        Instant now = clock.instant();
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.canConvertToLong()) {
            throw fail(ErrorCode.AUTH_TOKEN_MALFORMED, "token has no numeric exp claim");
        }
        Instant expiresAt = Instant.ofEpochSecond(exp.asLong());
        if (now.isAfter(expiresAt.plus(skew))) {
            throw fail(ErrorCode.AUTH_TOKEN_EXPIRED, "token expired at " + expiresAt + "; issue a new one with 'entente operators token issue'");
        }
        for (String claim : List.of("nbf", "iat")) {
            JsonNode t = claims.get(claim);
            if (t != null && t.canConvertToLong() && Instant.ofEpochSecond(t.asLong()).isAfter(now.plus(skew))) {
                throw fail(ErrorCode.AUTH_TOKEN_NOT_YET_VALID, "token " + claim + " is " + Instant.ofEpochSecond(t.asLong())
                        + ", later than this hub's clock " + now + " plus " + skew.toSeconds() + "s skew: check clock synchronisation");
            }
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        JsonNode rolesNode = claims.get("roles");
        if (rolesNode != null && rolesNode.isArray()) {
            rolesNode.forEach(r -> Role.parse(r.asText()).ifPresent(roles::add));
        }
        return new OperatorPrincipal(text(claims, "sub"), roles, text(claims, "jti"), expiresAt);
    }

    private static boolean audienceMatches(JsonNode aud) {
        if (aud == null) {
            return false;
        }
        if (aud.isArray()) {
            for (JsonNode a : aud) {
                if (AUDIENCE.equals(a.asText())) {
                    return true;
                }
            }
            return false;
        }
        return AUDIENCE.equals(aud.asText());
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private byte[] sign(String signingInput) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(signingKey);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign operator token", e);
        }
    }

    private static boolean verifySignature(PublicKey key, String signingInput, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
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

    private static byte[] decode(String part, String what) {
        try {
            return B64D.decode(part);
        } catch (IllegalArgumentException e) {
            throw fail(ErrorCode.AUTH_TOKEN_MALFORMED, "token " + what + " is not base64url");
        }
    }

    private static JsonNode decodeJson(String part, String what) {
        byte[] bytes = decode(part, what);
        try {
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.isObject()) {
                throw fail(ErrorCode.AUTH_TOKEN_MALFORMED, "token " + what + " is not a JSON object");
            }
            return n;
        } catch (java.io.IOException e) {
            throw fail(ErrorCode.AUTH_TOKEN_MALFORMED, "token " + what + " is not JSON");
        }
    }

    private static EntenteException fail(ErrorCode code, String detail) {
        return new EntenteException(code, detail);
    }
}
