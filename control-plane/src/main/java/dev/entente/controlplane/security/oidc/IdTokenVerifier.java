package dev.entente.controlplane.security.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.entente.controlplane.security.Role;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Checks the provider's ID token (OpenID Connect Core 3.1.3.7) and turns it into an
 * {@link OidcIdentity}. Every refusal is {@code oidc_id_token_refused} with a {@code reason}.
 *
 * <p>The algorithm allow-list comes first: {@code none} and every {@code HS*} (a shared secret
 * the hub would have to hold, and the classic key-confusion attack) never reach a verifier, and
 * the key must be of the type the algorithm names.
 */
public final class IdTokenVerifier {
    /** The only accepted {@code alg} values, with the key type each needs. */
    public static final Map<JWSAlgorithm, String> ALLOWED_ALGS = Map.of(
            JWSAlgorithm.RS256, "RSA", JWSAlgorithm.ES256, "EC", JWSAlgorithm.EdDSA, "OKP");

    /** Why an ID token was refused, as the problem's {@code reason} says it. */
    public enum Reason {
        MALFORMED, ALG_FORBIDDEN, UNKNOWN_KEY, SIGNATURE_INVALID, WRONG_ISSUER, WRONG_AUDIENCE, EXPIRED, NOT_YET_VALID,
        NONCE_MISMATCH;

        public String value() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final OidcSettings settings;
    private final OidcProvider provider;
    private final Clock clock;
    private final Duration leeway;

    public IdTokenVerifier(OidcSettings settings, OidcProvider provider, Clock clock, Duration leeway) {
        this.settings = settings;
        this.provider = provider;
        this.clock = clock;
        this.leeway = leeway;
    }

    /**
     * The identity {@code idToken} vouches for, checked against the nonce this sign-in sent, of which
     * the hub keeps only the SHA-256 ({@code nonceDigest}).
     */
    public OidcIdentity verify(String idToken, byte[] nonceDigest) {
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(idToken);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            throw refuse(Reason.MALFORMED, "the ID token is not a signed JWT: " + e.getMessage());
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        String keyType = ALLOWED_ALGS.get(alg);
        if (keyType == null) {
            throw refuse(Reason.ALG_FORBIDDEN, "the ID token is signed with " + alg + "; the hub accepts "
                    + ALLOWED_ALGS.keySet().stream().map(JWSAlgorithm::getName).sorted().toList());
        }
        String kid = jwt.getHeader().getKeyID();
        JWK key = provider.key(kid, keyType).orElseThrow(() -> refuse(Reason.UNKNOWN_KEY,
                "the identity provider's key set has no key " + (kid == null ? "of type " + keyType : kid) + ", even after fetching it again"));
        try {
            if (!jwt.verify(verifier(alg, key))) {
                throw refuse(Reason.SIGNATURE_INVALID, "the ID token's signature does not verify under the provider's key " + key.getKeyID());
            }
        } catch (JOSEException e) {
            throw refuse(Reason.SIGNATURE_INVALID, "the ID token's signature cannot be checked with key " + key.getKeyID() + ": " + e.getMessage());
        }
        if (!settings.issuerText().equals(claims.getIssuer())) {
            throw refuse(Reason.WRONG_ISSUER, "the ID token was issued by " + claims.getIssuer() + ", not " + settings.issuerText());
        }
        List<String> audience = claims.getAudience();
        Object azp = claims.getClaim("azp");
        if (!audience.contains(settings.clientId()) || audience.size() > 1 && !settings.clientId().equals(azp)) {
            throw refuse(Reason.WRONG_AUDIENCE, "the ID token is for " + audience + (azp == null ? "" : " (azp " + azp + ")")
                    + ", not for this hub's client " + settings.clientId());
        }
        Instant now = clock.instant();
        if (claims.getExpirationTime() == null || now.isAfter(claims.getExpirationTime().toInstant().plus(leeway))) {
            throw refuse(Reason.EXPIRED, "the ID token expired at " + claims.getExpirationTime() + "; sign in again");
        }
        if (claims.getIssueTime() == null || claims.getIssueTime().toInstant().isAfter(now.plus(leeway))) {
            throw refuse(Reason.NOT_YET_VALID, "the ID token's iat " + claims.getIssueTime() + " is missing or later than this hub's clock "
                    + now + " plus " + leeway.toSeconds() + "s: check clock synchronisation");
        }
        Object nonce = claims.getClaim("nonce");
        if (nonceDigest == null || !(nonce instanceof String sent) || !MessageDigest.isEqual(SignInStore.digest(sent), nonceDigest)) {
            throw refuse(Reason.NONCE_MISMATCH, "the ID token's nonce is not the one this sign-in sent");
        }
        String subject = claims.getSubject();
        if (subject == null || subject.isBlank()) {
            throw refuse(Reason.MALFORMED, "the ID token has no sub");
        }
        List<String> groups = groups(claims.toJSONObject());
        Set<Role> roles = EnumSet.noneOf(Role.class);
        groups.forEach(g -> Optional.ofNullable(settings.groupsToRoles().get(g)).ifPresent(roles::add));
        OidcIdentity identity = new OidcIdentity(settings.issuerText(), subject, groups, roles);
        if (roles.isEmpty()) {
            throw new EntenteException(ErrorCode.OIDC_NO_ROLE, identity.operatorSubject() + " is in no group that "
                    + "entente.oidc.groups-to-roles maps to a role (claim " + settings.rolesClaim() + ": " + groups
                    + "); ask an admin to add you to one of " + settings.groupsToRoles().keySet().stream().sorted().toList(),
                    Map.of("subject", identity.operatorSubject(), "groups", groups));
        }
        return identity;
    }

    /** The roles claim, which may be nested ({@code realm_access.roles}) and a list or a single string. */
    private List<String> groups(Map<String, Object> claims) {
        Object node = claims;
        for (String part : settings.rolesClaim().split("\\.")) {
            node = node instanceof Map<?, ?> m ? m.get(part) : null;
        }
        List<String> out = new ArrayList<>();
        if (node instanceof Collection<?> c) {
            c.forEach(g -> out.add(String.valueOf(g)));
        } else if (node instanceof String s) {
            out.add(s);
        }
        return List.copyOf(out);
    }

    private static JWSVerifier verifier(JWSAlgorithm alg, JWK key) throws JOSEException {
        if (!ALLOWED_ALGS.get(alg).equals(key.getKeyType().getValue())) {
            throw new JOSEException("key " + key.getKeyID() + " is " + key.getKeyType() + ", not a key for " + alg);
        }
        if (key instanceof RSAKey rsa) {
            return new RSASSAVerifier(rsa);
        }
        if (key instanceof ECKey ec && Curve.P_256.equals(ec.getCurve())) {
            return new ECDSAVerifier(ec);
        }
        if (key instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve())) {
            return new Ed25519Verifier(okp.toPublicJWK());
        }
        throw new JOSEException("key " + key.getKeyID() + " (" + key.getKeyType() + ") cannot verify " + alg);
    }

    private static EntenteException refuse(Reason reason, String detail) {
        return new EntenteException(ErrorCode.OIDC_ID_TOKEN_REFUSED, detail, Map.of("reason", reason.value()));
    }
}
