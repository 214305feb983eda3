package dev.entente.controlplane.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.entente.ca.jws.EdDsaJws;
import dev.entente.ca.jws.TokenKeySource;
import io.micronaut.security.token.jwt.signature.SignatureGeneratorConfiguration;

import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hub's operator-token keys as a Micronaut Security signature configuration, over Entente's
 * signers and verifiers for Nimbus (micronaut-security-jwt ships RSA, EC and HMAC only, and no
 * EC signer for a key held by a PKCS#11 token): EdDSA with a sealed Ed25519 key, ES256 with an
 * ECDSA P-256 key in a token ({@code entente.keys.store: pkcs11}). It supports the one alg the
 * key in use makes, signs with that key and verifies with any key not retired, chosen by
 * {@code kid}; all of it follows a rotation as soon as the {@link TokenKeySource} does.
 */
public final class TokenSignatureConfiguration implements SignatureGeneratorConfiguration {
    private final TokenKeySource keys;
    // Built once per key, not per token: the key objects change only with a rotation.
    private volatile Signer signer;
    private final Map<String, Verifier> verifiers = new ConcurrentHashMap<>();

    private record Signer(TokenKeySource.SigningKey key, JWSSigner signer) {
    }

    private record Verifier(PublicKey key, JWSVerifier verifier) {
    }

    public TokenSignatureConfiguration(TokenKeySource keys) {
        this.keys = keys;
    }

    @Override
    public String supportedAlgorithmsMessage() {
        return "Only the " + keys.jwsAlg() + " algorithm (this hub's token-signing key) is supported";
    }

    @Override
    public boolean supports(JWSAlgorithm algorithm) {
        return algorithm != null && keys.jwsAlg().equals(algorithm.getName());
    }

    /** Whether the key its {@code kid} names verifies {@code jwt}; an unknown or retired key never does. */
    @Override
    public boolean verify(SignedJWT jwt) throws JOSEException {
        if (!supports(jwt.getHeader().getAlgorithm())) {
            return false;
        }
        String kid = jwt.getHeader().getKeyID();
        PublicKey key = kid == null ? null : keys.activePublicKey(kid);
        if (key == null || !EdDsaJws.algFor(key).equals(jwt.getHeader().getAlgorithm().getName())) {
            return false;
        }
        Verifier v = verifiers.get(kid);
        if (v == null || v.key() != key) {
            v = new Verifier(key, EdDsaJws.verifier(key));
            verifiers.put(kid, v);
        }
        return jwt.verify(v.verifier());
    }

    @Override
    public SignedJWT sign(JWTClaimsSet claims) throws JOSEException {
        return sign(claims, keys.signing());
    }

    /** Signs with {@code key}: the current one, or a rotation's new key before it is committed. */
    public SignedJWT sign(JWTClaimsSet claims, TokenKeySource.SigningKey key) throws JOSEException {
        Signer s = signer;
        if (s == null || s.key() != key) {
            s = new Signer(key, EdDsaJws.signer(key));
            signer = s;
        }
        SignedJWT jwt = new SignedJWT(EdDsaJws.header(EdDsaJws.algFor(key.privateKey()), key.id()), claims);
        jwt.sign(s.signer());
        return jwt;
    }
}
