package dev.entente.controlplane.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.entente.ca.jws.EdDsaJws;
import dev.entente.ca.jws.TokenKeySource;
import dev.entente.controlplane.security.oidc.OidcIdentity;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Operator bearer tokens: compact JWS, signed and verified by Nimbus through
 * {@link TokenSignatureConfiguration}: EdDSA (Ed25519) only, or ES256 only when the token-signing
 * key is in a PKCS#11 token.
 *
 * <p>{@link EdDsaJws} runs Entente's checks ahead of the signature so that every failure has its
 * own stable code and the {@code alg} allow-list is enforced before any signature work:
 * {@code none} and {@code HS256} (the classic key-confusion attack, where the public key is used
 * as an HMAC secret) never reach a verifier. The claims are then read here, each with its code.
 */
public final class OperatorTokens {
    public static final String AUDIENCE = "entente-admin";

    private final String hubId;
    private final TokenKeySource keys;
    private final TokenSignatureConfiguration signature;
    private final Clock clock;
    private final Duration skew;

    /** @param keys the token-signing keys, shared with acceptance and re-enrolment tokens */
    public OperatorTokens(String hubId, TokenKeySource keys, Clock clock, Duration skew) {
        this.hubId = hubId;
        this.keys = keys;
        this.signature = new TokenSignatureConfiguration(keys);
        this.clock = clock;
        this.skew = skew;
    }

    /** The accepted {@code alg}s: the one the token-signing key in use makes, EdDSA or (in a PKCS#11 token) ES256. */
    public Set<String> allowedAlgs() {
        return Set.of(keys.jwsAlg());
    }

    /** The key new tokens are signed with now. */
    public TokenKeySource.SigningKey signingKey() {
        return keys.signing();
    }

    /** The claim recording who minted a token, root first. */
    public static final String MINTED_BY = "minted_by";

    /** An issued token; the token string is shown once and never stored. */
    public record Issued(String token, String subject, Set<Role> roles, Instant expiresAt, UUID jti, List<String> mintedBy) {
    }

    /** A root token ({@code admin.token}): nobody minted it, its chain is empty. */
    public Issued issue(String subject, Set<Role> roles, Duration ttl) {
        return issue(subject, roles, ttl, List.of());
    }

    /**
     * A token minted along {@code mintedBy} (root first: the minter's chain, then the minter),
     * signed into the token so that the two-person rule can tell who stands behind a subject.
     */
    public Issued issue(String subject, Set<Role> roles, Duration ttl, List<String> mintedBy) {
        return issue(subject, roles, ttl, mintedBy, keys.signing());
    }

    /**
     * A token signed by {@code key}: a token-signing rotation re-issues {@code admin.token} under
     * its new key in its own transaction, before the key is committed and in use.
     */
    public Issued issue(String subject, Set<Role> roles, Duration ttl, List<String> mintedBy, TokenKeySource.SigningKey key) {
        Instant now = clock.instant();
        Instant exp = now.plus(ttl);
        UUID jti = UUID.randomUUID();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(hubId)
                .audience(AUDIENCE)
                .subject(subject)
                .claim("roles", roles.stream().map(Role::value).sorted().toList())
                .issueTime(Date.from(Instant.ofEpochSecond(now.getEpochSecond())))
                .expirationTime(Date.from(Instant.ofEpochSecond(exp.getEpochSecond())))
                .jwtID(jti.toString())
                .claim(MINTED_BY, List.copyOf(mintedBy))
                .build();
        String token;
        try {
            token = signature.sign(claims, key).serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an operator token with key " + key.id(), e);
        }
        return new Issued(token, subject, Set.copyOf(roles), Instant.ofEpochSecond(exp.getEpochSecond()), jti,
                List.copyOf(mintedBy));
    }

    /** Checks a bearer token; every failure is a 401 with its own code. */
    public OperatorPrincipal verify(String token) {
        if (token == null || token.isBlank()) {
            throw fail(ErrorCode.AUTH_TOKEN_MISSING, "send 'Authorization: Bearer <token>'; the local admin token is <data-dir>/admin.token");
        }
        JsonNode claims;
        try {
            claims = EdDsaJws.verifyWith(token, keys.jwsAlg(), signature::verify).claims();
        } catch (EdDsaJws.JwsException e) {
            Optional<TokenKeySource.VerifyingKey> retired = e.failure() == EdDsaJws.Failure.SIGNATURE_INVALID
                    ? keys.retiredSigner(token) : Optional.empty();
            if (retired.isPresent()) {
                throw fail(ErrorCode.AUTH_TOKEN_KEY_ROTATED, "token was signed by key " + retired.get().id() + ", which a "
                        + "token-signing key rotation retired at " + retired.get().retiredAt() + "; on the hub's machine use "
                        + "the re-issued <data-dir>/admin.token, otherwise ask an admin for a new token "
                        + "('entente operators token issue') or sign in again ('entente login')");
            }
            throw fail(switch (e.failure()) {
                case MALFORMED -> ErrorCode.AUTH_TOKEN_MALFORMED;
                case ALG_FORBIDDEN -> ErrorCode.AUTH_TOKEN_ALG_FORBIDDEN;
                case SIGNATURE_INVALID -> ErrorCode.AUTH_TOKEN_SIGNATURE_INVALID;
            }, e.getMessage() + (e.failure() == EdDsaJws.Failure.ALG_FORBIDDEN ? " (tokens issued by this hub)" : ""));
        }
        if (!hubId.equals(text(claims, "iss")) || !audienceMatches(claims.get("aud"))) {
            throw fail(ErrorCode.AUTH_TOKEN_WRONG_HUB, "token was issued by " + text(claims, "iss") + " for "
                    + claims.get("aud") + ", not by " + hubId + " for " + AUDIENCE);
        }
        Instant now = clock.instant();
        JsonNode exp = claims.get("exp");
        if (exp == null || !exp.canConvertToLong()) {
            throw fail(ErrorCode.AUTH_TOKEN_MALFORMED, "token has no numeric exp claim");
        }
        Instant expiresAt = EdDsaJws.numericDate(exp.asLong());
        if (now.isAfter(expiresAt.plus(skew))) {
            throw fail(ErrorCode.AUTH_TOKEN_EXPIRED, "token expired at " + expiresAt + (OidcIdentity.isSession(text(claims, "sub"))
                    ? "; sign in again with 'entente login'" : "; issue a new one with 'entente operators token issue'"));
        }
        // Only nbf can make a token not yet valid. An iat ahead of the clock on a token this hub
        // signed means the clock was stepped back since it minted it: refusing would lock the
        // operator out (admin.token included) until the clock caught up again.
        JsonNode nbf = claims.get("nbf");
        if (nbf != null && nbf.canConvertToLong() && EdDsaJws.numericDate(nbf.asLong()).isAfter(now.plus(skew))) {
            throw fail(ErrorCode.AUTH_TOKEN_NOT_YET_VALID, "token nbf is " + EdDsaJws.numericDate(nbf.asLong())
                    + ", later than this hub's clock " + now + " plus " + skew.toSeconds() + "s skew: check clock synchronisation");
        }
        Set<Role> roles = EnumSet.noneOf(Role.class);
        JsonNode rolesNode = claims.get("roles");
        if (rolesNode != null && rolesNode.isArray()) {
            rolesNode.forEach(r -> Role.parse(r.asText()).ifPresent(roles::add));
        }
        List<String> mintedBy = null;
        JsonNode chain = claims.get(MINTED_BY);
        if (chain != null) {
            if (!chain.isArray()) {
                throw fail(ErrorCode.AUTH_TOKEN_MALFORMED, "token claim " + MINTED_BY + " is not a list of subjects");
            }
            List<String> subjects = new java.util.ArrayList<>();
            chain.forEach(m -> subjects.add(m.asText()));
            mintedBy = List.copyOf(subjects);
        }
        return new OperatorPrincipal(text(claims, "sub"), roles, text(claims, "jti"), expiresAt, mintedBy);
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

    private static EntenteException fail(ErrorCode code, String detail) {
        return new EntenteException(code, detail);
    }
}
