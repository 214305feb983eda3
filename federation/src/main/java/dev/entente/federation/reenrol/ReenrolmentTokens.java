package dev.entente.federation.reenrol;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.jws.EdDsaJws;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Re-enrolment tokens: an EdDSA JWT signed with the same key as acceptance tokens but for another
 * audience ({@value #AUDIENCE}), so neither kind passes for the other. Claims: {@code iss} (the
 * issuing hub), {@code sub} (the hub id of the peer it is bound to), {@code jti}, {@code url} and
 * {@code tls_fingerprint} (where and under which certificate the issuing hub answers),
 * {@code iat}, {@code exp}. The issuing hub stores only the SHA-256 digest.
 */
public final class ReenrolmentTokens {
    public static final String AUDIENCE = "entente-reenrolment";

    private final String hubId;
    private final String keyId;
    private final PrivateKey signingKey;
    private final Function<String, PublicKey> verificationKeys;
    private final Clock clock;
    private final Duration skew;

    public ReenrolmentTokens(String hubId, String keyId, PrivateKey signingKey, Function<String, PublicKey> verificationKeys,
                             Clock clock, Duration skew) {
        this.hubId = hubId;
        this.keyId = keyId;
        this.signingKey = signingKey;
        this.verificationKeys = verificationKeys;
        this.clock = clock;
        this.skew = skew;
    }

    /** A freshly minted token: shown once; only {@link #digest()} is stored. */
    public record Minted(String token, UUID jti, Instant expiresAt) {
        public byte[] digest() {
            return PeerLifecycle.tokenDigest(token);
        }
    }

    /** What a token says. */
    public record Claims(String issuer, String subject, UUID jti, String url, String tlsFingerprint, Instant expiresAt) {
    }

    public Minted mint(String peerHubId, String url, String tlsFingerprint, Duration ttl) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        UUID jti = UUID.randomUUID();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", hubId);
        claims.put("sub", peerHubId);
        claims.put("aud", AUDIENCE);
        claims.put("jti", jti.toString());
        claims.put("url", url);
        claims.put("tls_fingerprint", tlsFingerprint);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", exp.getEpochSecond());
        return new Minted(EdDsaJws.sign(claims, keyId, signingKey), jti, Instant.ofEpochSecond(exp.getEpochSecond()));
    }

    /** The issuing hub's check: signature, audience (before the other claims), issuer (this hub) and expiry with the clock skew. */
    public Claims verify(String token) {
        if (token == null || token.isBlank()) {
            throw invalid("no re-enrolment token was presented");
        }
        JsonNode claims;
        try {
            claims = EdDsaJws.verify(token, verificationKeys).claims();
        } catch (EdDsaJws.JwsException e) {
            throw invalid("the token is not one this hub signed (" + e.getMessage() + ")");
        }
        if (!AUDIENCE.equals(text(claims, "aud"))) {
            throw invalid("the token's audience is " + text(claims, "aud") + ", not " + AUDIENCE
                    + ": an acceptance token links new hubs with 'entente peers accept', it does not re-enrol");
        }
        Claims c = parse(claims);
        if (!hubId.equals(c.issuer())) {
            throw invalid("the token was minted by " + c.issuer() + ", not by this hub (" + hubId + ")");
        }
        expiry(c, clock.instant(), skew);
        return c;
    }

    /** The locked-out hub's read: claims without the signature, enough to know where to connect and what to pin. */
    public static Claims read(String token) {
        try {
            return parse(EdDsaJws.unverifiedClaims(token));
        } catch (EdDsaJws.JwsException e) {
            throw invalid(e.getMessage() + "; paste the whole token printed by 'entente peers reenroll ID' on the other hub");
        }
    }

    /** Refuses a token past its {@code exp} plus {@code skew}. */
    static void expiry(Claims c, Instant now, Duration skew) {
        if (now.isAfter(c.expiresAt().plus(skew))) {
            throw new EntenteException(ErrorCode.REENROLMENT_TOKEN_EXPIRED, "the re-enrolment token expired at "
                    + c.expiresAt() + "; ask the operator of hub " + c.issuer() + " for a new one ('entente peers reenroll ID' there)");
        }
    }

    private static Claims parse(JsonNode claims) {
        String url = text(claims, "url");
        String fp = text(claims, "tls_fingerprint");
        String iss = text(claims, "iss");
        String sub = text(claims, "sub");
        JsonNode exp = claims.get("exp");
        UUID jti;
        try {
            jti = UUID.fromString(String.valueOf(text(claims, "jti")));
        } catch (IllegalArgumentException e) {
            jti = null;
        }
        if (url == null || !url.startsWith("https://") || url.length() > 2048 || url.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)
                || fp == null || !fp.matches("[0-9a-f]{64}") || iss == null || !iss.matches("hub_[0-9a-f]{8}")
                || sub == null || !sub.matches("hub_[0-9a-f]{8}") || jti == null || exp == null || !exp.canConvertToLong()) {
            throw invalid("the token lacks iss, sub, jti, an https url, a SHA-256 tls_fingerprint or exp");
        }
        return new Claims(iss, sub, jti, url, fp, EdDsaJws.numericDate(exp.asLong()));
    }

    private static EntenteException invalid(String detail) {
        return new EntenteException(ErrorCode.REENROLMENT_TOKEN_INVALID, detail);
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
