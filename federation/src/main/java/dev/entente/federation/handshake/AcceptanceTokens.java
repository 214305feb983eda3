package dev.entente.federation.handshake;

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
 * Acceptance tokens (DESIGN §4): an EdDSA JWT the proposing hub signs and shows once, with
 * {@code iss} (its hub id), {@code aud} ({@value #AUDIENCE}), {@code jti}, {@code url},
 * {@code tls_fingerprint}, {@code iat} and {@code exp}. The proposer stores only the token's
 * SHA-256 digest; single use is enforced by the peer lifecycle's ACCEPT, not here.
 */
public final class AcceptanceTokens {
    public static final String AUDIENCE = "entente-federation";

    private final String hubId;
    private final String keyId;
    private final PrivateKey signingKey;
    private final Function<String, PublicKey> verificationKeys;
    private final Clock clock;
    private final Duration skew;

    public AcceptanceTokens(String hubId, String keyId, PrivateKey signingKey, Function<String, PublicKey> verificationKeys,
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
    public record Claims(String issuer, UUID jti, String url, String tlsFingerprint, Instant issuedAt, Instant expiresAt) {
    }

    public Minted mint(String url, String tlsFingerprint, Duration ttl) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        UUID jti = UUID.randomUUID();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", hubId);
        claims.put("aud", AUDIENCE);
        claims.put("jti", jti.toString());
        claims.put("url", url);
        claims.put("tls_fingerprint", tlsFingerprint);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", exp.getEpochSecond());
        return new Minted(EdDsaJws.sign(claims, keyId, signingKey), jti, Instant.ofEpochSecond(exp.getEpochSecond()));
    }

    /**
     * The proposer's full check, in this order: shape, alg allow-list (before any signature work),
     * signature, audience, issuer (this hub), not-yet-valid ({@code iat}, {@code nbf}) and expiry
     * with the clock skew.
     */
    public Claims verify(String token) {
        if (token == null || token.isBlank()) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_REQUIRED, "no acceptance token was presented");
        }
        JsonNode claims;
        try {
            claims = EdDsaJws.verify(token, verificationKeys).claims();
        } catch (EdDsaJws.JwsException e) {
            throw new EntenteException(switch (e.failure()) {
                case MALFORMED -> ErrorCode.ACCEPTANCE_TOKEN_MALFORMED;
                case ALG_FORBIDDEN -> ErrorCode.ACCEPTANCE_TOKEN_ALG_FORBIDDEN;
                case SIGNATURE_INVALID -> ErrorCode.ACCEPTANCE_TOKEN_SIGNATURE_INVALID;
            }, e.getMessage());
        }
        Claims c = parse(claims);
        if (!AUDIENCE.equals(text(claims, "aud"))) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_WRONG_AUDIENCE,
                    "token audience is " + text(claims, "aud") + ", not " + AUDIENCE);
        }
        if (!hubId.equals(c.issuer())) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_WRONG_HUB, "this token was issued by " + c.issuer()
                    + ", not by this hub (" + hubId + "); accept it on the hub that proposed, or get a token from this one");
        }
        Instant now = clock.instant();
        if (c.issuedAt() != null && c.issuedAt().isAfter(now.plus(skew))) {
            throw new EntenteException(ErrorCode.TOKEN_NOT_YET_VALID, "token issued at " + c.issuedAt()
                    + ", later than this hub's clock " + now + " plus " + skew.toSeconds()
                    + "s: the two hubs' clocks disagree; synchronise them (NTP) and retry");
        }
        // This hub never mints nbf, but a token carrying one is held to it (RFC 7519 §4.1.5)
        // before the digest comparison could call it someone else's token.
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && !nbf.canConvertToLong()) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_MALFORMED, "the token's nbf is not a number of seconds");
        }
        if (nbf != null && EdDsaJws.numericDate(nbf.asLong()).isAfter(now.plus(skew))) {
            throw new EntenteException(ErrorCode.TOKEN_NOT_YET_VALID, "token not valid before "
                    + EdDsaJws.numericDate(nbf.asLong()) + ", later than this hub's clock " + now + " plus " + skew.toSeconds()
                    + "s: use it after that time, or synchronise the two hubs' clocks (NTP)");
        }
        if (now.isAfter(c.expiresAt().plus(skew))) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_EXPIRED, "token expired at " + c.expiresAt()
                    + "; ask the proposing hub for a new one with 'entente peers token ID'");
        }
        return c;
    }

    /**
     * The accepting hub's read: claims without the signature (it cannot verify the proposer's
     * key). Enough to know where to connect and which certificate to pin; the proposer then
     * verifies everything.
     */
    public static Claims read(String token) {
        try {
            return parse(EdDsaJws.unverifiedClaims(token));
        } catch (EdDsaJws.JwsException e) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_MALFORMED, e.getMessage()
                    + "; paste the whole token printed by 'entente peers propose'");
        }
    }

    private static Claims parse(JsonNode claims) {
        String url = text(claims, "url");
        String fp = text(claims, "tls_fingerprint");
        String iss = text(claims, "iss");
        JsonNode exp = claims.get("exp");
        JsonNode iat = claims.get("iat");
        UUID jti;
        try {
            jti = UUID.fromString(String.valueOf(text(claims, "jti")));
        } catch (IllegalArgumentException e) {
            jti = null;
        }
        if (url == null || !url.startsWith("https://") || !printable(url) || !printable(iss) || fp == null || !fp.matches("[0-9a-f]{64}") || iss == null
                || jti == null || exp == null || !exp.canConvertToLong()) {
            throw new EntenteException(ErrorCode.ACCEPTANCE_TOKEN_MALFORMED,
                    "the token lacks iss, jti, an https url, a SHA-256 tls_fingerprint or exp");
        }
        return new Claims(iss, jti, url, fp, iat != null && iat.canConvertToLong() ? EdDsaJws.numericDate(iat.asLong()) : null,
                EdDsaJws.numericDate(exp.asLong()));
    }

    /** A claim that ends up in the peers table or a URL: no control characters, at most 2048 characters. */
    private static boolean printable(String s) {
        return s == null || (s.length() <= 2048 && s.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
