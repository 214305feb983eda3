package dev.entente.ca.jws;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import dev.entente.ca.crypto.Ed25519Signing;

import java.io.IOException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.text.ParseException;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Function;

/**
 * Compact JWS with EdDSA (Ed25519), parsed by Nimbus and signed and verified by
 * {@link Ed25519JwsSigner} and {@link Ed25519JwsVerifier} (BouncyCastle's Ed25519): Entente's
 * operator tokens and acceptance tokens. A hub whose token-signing key lives in a PKCS#11 token
 * ({@code entente.keys.store: pkcs11}, where SunPKCS11 has no Ed25519) signs ES256 instead,
 * through {@link Es256JwsSigner}; the allow-list is then ES256 alone. Entente's own checks run
 * first, so each failure keeps a stable kind: strict base64url, then the {@code alg} allow-list
 * (one alg: the one the hub's key makes) before any signature work (so {@code none} and
 * {@code HS256}, the public key used as an HMAC secret, never reach a verifier), then no critical
 * headers and a printable {@code kid}. Callers map each {@link Failure} to their own error codes.
 */
public final class EdDsaJws {
    /** The {@code alg} of a hub whose token-signing key is Ed25519 (sealed, the default). */
    public static final String ALG = JWSAlgorithm.EdDSA.getName();
    /** The {@code alg} of a hub whose token-signing key is ECDSA P-256 (in a PKCS#11 token). */
    public static final String ES256 = JWSAlgorithm.ES256.getName();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();
    private static final long MIN_DATE = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
    private static final long MAX_DATE = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

    private EdDsaJws() {
    }

    /** Why a token was refused, in the order the checks run. */
    public enum Failure {
        /** Not three canonical base64url parts of JSON objects, or a critical header. */
        MALFORMED,
        /** {@code alg} is not the one the hub's key makes. */
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

    /** The signature step: whether {@code jws} verifies under the key its {@code kid} names. */
    @FunctionalInterface
    public interface SignatureCheck {
        boolean verifies(SignedJWT jws) throws JOSEException;
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

    /** An Ed25519 public key as a Nimbus JWK named {@code kid}. */
    public static OctetKeyPair publicJwk(String kid, PublicKey publicKey) {
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(Ed25519Signing.rawPublic(publicKey))).keyID(kid).build();
    }

    /** An Ed25519 private key as a Nimbus JWK named {@code kid}, its public half derived from the seed. */
    public static OctetKeyPair privateJwk(String kid, PrivateKey privateKey) {
        byte[] seed = Ed25519Signing.rawPrivate(privateKey);
        byte[] x = Ed25519Signing.derivePublic(privateKey);
        return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(seed)).keyID(kid).build();
    }

    /** The {@code alg} a key signs with: ES256 for an EC key, EdDSA for Ed25519. */
    public static String algFor(java.security.Key key) {
        return "EC".equals(key.getAlgorithm()) ? ES256 : ALG;
    }

    /** The header every Entente token carries: EdDSA, JWT, the signing key's id. */
    public static JWSHeader header(String kid) {
        return header(ALG, kid);
    }

    /** The header of a token signed with {@code alg} by the key {@code kid}. */
    public static JWSHeader header(String alg, String kid) {
        return new JWSHeader.Builder(JWSAlgorithm.parse(alg)).type(JOSEObjectType.JWT).keyID(kid).build();
    }

    /** Signs {@code claims}, a JSON object, with an Ed25519 key, naming it {@code kid}. */
    public static String sign(ObjectNode claims, String kid, PrivateKey privateKey) {
        return sign(claims, new TokenKeySource.SigningKey(kid, privateKey));
    }

    /** Signs {@code claims}, a JSON object, with {@code key} (EdDSA or ES256, as the key is), naming it by its id. */
    public static String sign(ObjectNode claims, TokenKeySource.SigningKey key) {
        try {
            JWSObject jws = new JWSObject(header(algFor(key.privateKey()), key.id()), new Payload(JSON.writeValueAsBytes(claims)));
            jws.sign(signer(key));
            return jws.serialize();
        } catch (JOSEException | JsonProcessingException e) {
            throw new IllegalStateException("cannot sign a token with key " + key.id(), e);
        }
    }

    /** A Nimbus signer for {@code key}: Ed25519, or ECDSA P-256 (possibly inside a PKCS#11 token). */
    public static JWSSigner signer(TokenKeySource.SigningKey key) {
        return ES256.equals(algFor(key.privateKey())) ? new Es256JwsSigner(key.privateKey(), key.provider())
                : new Ed25519JwsSigner(key.privateKey());
    }

    /** A Nimbus verifier for one Ed25519 or ECDSA P-256 public key. */
    public static JWSVerifier verifier(PublicKey publicKey) {
        try {
            if (publicKey instanceof ECPublicKey ec) {
                return new ECDSAVerifier(ec);
            }
            return new Ed25519JwsVerifier(publicKey);
        } catch (IllegalArgumentException | JOSEException e) {
            throw new IllegalStateException("not an Ed25519 or P-256 public key", e);
        }
    }

    /** {@link #verify(String, String, Function)} for EdDSA. */
    public static Verified verify(String token, Function<String, PublicKey> keys) {
        return verify(token, ALG, keys);
    }

    /** {@link #verifyWith(String, String, SignatureCheck)} against the key {@code keys} returns for the {@code kid} (null when unknown). */
    public static Verified verify(String token, String alg, Function<String, PublicKey> keys) {
        return verifyWith(token, alg, jws -> {
            String kid = jws.getHeader().getKeyID();
            PublicKey key = kid == null ? null : keys.apply(kid);
            return key != null && algFor(key).equals(alg) && jws.verify(verifier(key));
        });
    }

    /** {@link #verifyWith(String, String, SignatureCheck)} for EdDSA. */
    public static Verified verifyWith(String token, SignatureCheck signature) {
        return verifyWith(token, ALG, signature);
    }

    /**
     * Checks shape, then that the {@code alg} is {@code allowed} (the one the hub's key makes),
     * then headers, then lets {@code signature} verify the token Nimbus parsed. Claims are not
     * interpreted here.
     */
    public static Verified verifyWith(String token, String allowed, SignatureCheck signature) {
        String[] parts = split(token);
        JsonNode header = json(parts[0], "header");
        JsonNode alg = header.get("alg");
        if (alg == null || !alg.isTextual() || !allowed.equals(alg.asText())) {
            throw new JwsException(Failure.ALG_FORBIDDEN, "alg " + (alg == null ? "(missing)" : alg.toString())
                    + " is not allowed; only " + allowed + " is accepted");
        }
        if (header.has("crit")) {
            throw new JwsException(Failure.MALFORMED, "critical header parameters are not supported");
        }
        JsonNode kid = header.get("kid");
        if (kid != null && (!kid.isTextual() || !printable(kid.asText()))) {
            // a key id goes to a key lookup (and possibly the database): only printable text does
            throw new JwsException(Failure.MALFORMED, "token header kid must be printable text");
        }
        byte[] sig = decode(parts[2], "signature");
        SignedJWT jws;
        try {
            jws = SignedJWT.parse(String.join(".", parts));
        } catch (ParseException e) {
            throw new JwsException(Failure.MALFORMED, "token is not a JWS: " + e.getMessage());
        }
        boolean verified;
        try {
            verified = sig.length == 64 && signature.verifies(jws);
        } catch (JOSEException | RuntimeException e) {
            verified = false;
        }
        if (!verified) {
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

    /** The header of a token WITHOUT checking its signature: which key ({@code kid}) it names, for inspection. */
    public static JsonNode unverifiedHeader(String token) {
        return json(split(token)[0], "header");
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

    /**
     * Strict base64url (RFC 7515 §2): no padding, no other alphabet, and the unused low bits of
     * the last character zero. Decoders (Java's, Nimbus') ignore those bits, so without the
     * re-encoding check one signature would have several spellings, and a token could be altered
     * without breaking it: harmless to the signature, but a second token for anything keyed on the text.
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
