package dev.entente.federation.token;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.jws.EdDsaJws;
import dev.entente.ca.jws.TokenKeySource;
import dev.entente.federation.peer.PeerLifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * One kind of single-use token this hub mints and checks: an EdDSA JWT with {@link TokenClaims},
 * for one audience, so no kind passes for another. The hub stores only a token's SHA-256
 * ({@link Minted#digest()}) in the kind's table, which spends it atomically; this class signs,
 * reads and verifies.
 *
 * <p>Checks refuse with a {@link Refusal} naming the failed check; each kind turns it into its
 * own error code and advice.
 */
public final class SingleUseTokens {
    private final String audience;
    private final boolean bound;
    private final String hubId;
    private final TokenKeySource keys;
    private final Clock clock;
    private final Duration skew;

    /**
     * @param bound whether a token names ({@code sub}) the hub id of the one peer that may use it
     * @param keys  this hub's token-signing keys: the one that signs, and every one a token may name
     */
    public SingleUseTokens(String audience, boolean bound, String hubId, TokenKeySource keys, Clock clock, Duration skew) {
        this.audience = audience;
        this.bound = bound;
        this.hubId = hubId;
        this.keys = keys;
        this.clock = clock;
        this.skew = skew;
    }

    /** Which check refused a token, in the order they run. */
    public enum Reason {
        /** No token at all. */
        MISSING,
        /** Not a compact JWS of JSON objects. */
        MALFORMED,
        /** {@code alg} is not EdDSA: refused before any signature work. */
        ALG_FORBIDDEN,
        /** No key of this hub verifies the signature. */
        SIGNATURE_INVALID,
        /** A key of this hub signed it, but a token-signing rotation has retired that key. */
        KEY_ROTATED,
        /** Signed by this hub, but for another audience: another kind of token. */
        WRONG_AUDIENCE,
        /** A claim the kind needs is missing or unusable. */
        CLAIMS_INVALID,
        /** Another hub's token. */
        WRONG_ISSUER,
        /** {@code iat} or {@code nbf} lies beyond this hub's clock plus the skew. */
        NOT_YET_VALID,
        /** {@code exp} plus the skew has passed. */
        EXPIRED
    }

    /**
     * A refused token: {@link #reason()}, the claims when they could be read, and the value that
     * failed (the audience or issuer found, the instant not yet reached or passed).
     */
    public static final class Refusal extends RuntimeException {
        private final Reason reason;
        private final transient TokenClaims claims;
        private final String found;

        Refusal(Reason reason, TokenClaims claims, String found, String message) {
            super(message);
            this.reason = reason;
            this.claims = claims;
            this.found = found;
        }

        public Reason reason() {
            return reason;
        }

        public TokenClaims claims() {
            return claims;
        }

        public String found() {
            return found;
        }
    }

    /** A freshly minted token: shown once; only {@link #digest()} is stored. */
    public record Minted(String token, TokenClaims claims) {
        public UUID jti() {
            return claims.jti();
        }

        public Instant expiresAt() {
            return claims.expiresAt();
        }

        public byte[] digest() {
            return PeerLifecycle.tokenDigest(token);
        }

        // The token is a credential: it stays out of logs and exception messages.
        @Override
        public String toString() {
            return "Minted[jti=" + claims.jti() + ", token=(redacted), expiresAt=" + claims.expiresAt() + "]";
        }
    }

    public String audience() {
        return audience;
    }

    /** The hub that mints these tokens: this one. */
    public String hubId() {
        return hubId;
    }

    /** A new token; {@code subject} is the peer's hub id for a bound kind, null otherwise. */
    public Minted mint(String subject, String url, String tlsFingerprint, Duration ttl) {
        Instant now = clock.instant();
        TokenClaims claims = new TokenClaims(hubId, subject, audience, UUID.randomUUID(), url, tlsFingerprint,
                Instant.ofEpochSecond(now.getEpochSecond()), Instant.ofEpochSecond(now.plus(ttl).getEpochSecond()));
        TokenKeySource.SigningKey key = keys.signing();
        return new Minted(EdDsaJws.sign(claims.json(), key), claims);
    }

    /**
     * The issuing hub's full check, in this order: shape, alg allow-list (before any signature
     * work), signature, audience (before the other claims, so another kind is called that), the
     * claims, issuer (this hub), not-yet-valid ({@code iat}, {@code nbf}) and expiry, both with
     * the clock skew.
     */
    public TokenClaims verify(String token) {
        if (token == null || token.isBlank()) {
            throw new Refusal(Reason.MISSING, null, null, "no token");
        }
        JsonNode json;
        try {
            json = EdDsaJws.verify(token, keys.jwsAlg(), keys::activePublicKey).claims();
        } catch (EdDsaJws.JwsException e) {
            Optional<TokenKeySource.VerifyingKey> retired = e.failure() == EdDsaJws.Failure.SIGNATURE_INVALID
                    ? keys.retiredSigner(token) : Optional.empty();
            if (retired.isPresent()) {
                throw new Refusal(Reason.KEY_ROTATED, null, retired.get().id(), "signed by key " + retired.get().id()
                        + ", which a token-signing key rotation retired at " + retired.get().retiredAt());
            }
            throw new Refusal(switch (e.failure()) {
                case MALFORMED -> Reason.MALFORMED;
                case ALG_FORBIDDEN -> Reason.ALG_FORBIDDEN;
                case SIGNATURE_INVALID -> Reason.SIGNATURE_INVALID;
            }, null, null, e.getMessage());
        }
        String aud = TokenClaims.text(json, "aud");
        if (!audience.equals(aud)) {
            throw new Refusal(Reason.WRONG_AUDIENCE, null, aud, "token audience is " + aud + ", not " + audience);
        }
        TokenClaims claims = claims(json);
        if (!hubId.equals(claims.issuer())) {
            throw new Refusal(Reason.WRONG_ISSUER, claims, claims.issuer(), "issued by " + claims.issuer()
                    + ", not by this hub (" + hubId + ")");
        }
        Instant now = clock.instant();
        // No check of iat: this hub signed the token (checked above), so an iat ahead of its clock
        // means its own clock was stepped back since it minted it (NTP correcting a fast clock).
        // Refusing would strand every token of the last minutes with no fault of the holder's; exp
        // still bounds the token.
        // This hub never mints nbf, but a token carrying one is held to it (RFC 7519 §4.1.5)
        // before the table lookup could call it someone else's token.
        JsonNode nbf = json.get("nbf");
        if (nbf != null && !nbf.canConvertToLong()) {
            throw new Refusal(Reason.CLAIMS_INVALID, claims, "nbf", "the token's nbf is not a number of seconds");
        }
        if (nbf != null && EdDsaJws.numericDate(nbf.asLong()).isAfter(now.plus(skew))) {
            throw new Refusal(Reason.NOT_YET_VALID, claims, "nbf", "token not valid before "
                    + EdDsaJws.numericDate(nbf.asLong()) + ", later than this hub's clock " + now + " plus " + skew.toSeconds()
                    + "s: use it after that time, or synchronise the two hubs' clocks (NTP)");
        }
        checkExpiry(claims, now, skew);
        return claims;
    }

    /**
     * The receiving hub's read: claims without the signature (it cannot verify the issuer's key).
     * Enough to know where to connect and which certificate to pin; the issuer then verifies
     * everything. The audience is not checked here: each kind says what another audience means.
     */
    public static TokenClaims read(String token, boolean bound) {
        try {
            return claims(EdDsaJws.unverifiedClaims(token), bound);
        } catch (EdDsaJws.JwsException e) {
            throw new Refusal(Reason.MALFORMED, null, null, e.getMessage());
        }
    }

    /** Refuses a token past its {@code exp} plus {@code skew}. */
    public static void checkExpiry(TokenClaims claims, Instant now, Duration skew) {
        if (now.isAfter(claims.expiresAt().plus(skew))) {
            throw new Refusal(Reason.EXPIRED, claims, claims.expiresAt().toString(), "token expired at " + claims.expiresAt());
        }
    }

    private TokenClaims claims(JsonNode json) {
        return claims(json, bound);
    }

    private static TokenClaims claims(JsonNode json, boolean bound) {
        TokenClaims claims = TokenClaims.parse(json, bound);
        if (claims == null) {
            throw new Refusal(Reason.CLAIMS_INVALID, null, null, "the token lacks iss, " + (bound ? "sub, " : "")
                    + "jti, an https url, a SHA-256 tls_fingerprint or exp");
        }
        return claims;
    }
}
