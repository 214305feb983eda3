package dev.entente.controlplane.security;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.entente.ca.jws.Ed25519JwsSigner;
import dev.entente.ca.jws.EdDsaJws;
import io.micronaut.security.token.jwt.signature.SignatureGeneratorConfiguration;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hub's operator-token keys as a Micronaut Security signature configuration: EdDSA over
 * Entente's Ed25519 signer and verifier for Nimbus (micronaut-security-jwt ships RSA, EC and HMAC only). It
 * signs with the active key and verifies with any key not yet retired, chosen by {@code kid}, so
 * tokens minted before a key rotation keep working until their key retires.
 */
public final class Ed25519SignatureConfiguration implements SignatureGeneratorConfiguration {
    private final String keyId;
    private final JWSSigner signer;
    private final Map<String, JWSVerifier> verifiers = new LinkedHashMap<>();

    public Ed25519SignatureConfiguration(String keyId, PrivateKey signingKey, Map<String, PublicKey> verificationKeys) {
        this.keyId = keyId;
        try {
            this.signer = new Ed25519JwsSigner(signingKey);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("the operator-token key is not an Ed25519 key", e);
        }
        verificationKeys.forEach((kid, key) -> verifiers.put(kid, EdDsaJws.verifier(key)));
    }

    @Override
    public String supportedAlgorithmsMessage() {
        return "Only the EdDSA algorithm (Ed25519) is supported";
    }

    @Override
    public boolean supports(JWSAlgorithm algorithm) {
        return JWSAlgorithm.EdDSA.equals(algorithm);
    }

    /** Whether the key its {@code kid} names verifies {@code jwt}; an unknown key id never does. */
    @Override
    public boolean verify(SignedJWT jwt) throws JOSEException {
        if (!supports(jwt.getHeader().getAlgorithm())) {
            return false;
        }
        String kid = jwt.getHeader().getKeyID();
        JWSVerifier verifier = kid == null ? null : verifiers.get(kid);
        return verifier != null && jwt.verify(verifier);
    }

    @Override
    public SignedJWT sign(JWTClaimsSet claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(EdDsaJws.header(keyId), claims);
        jwt.sign(signer);
        return jwt;
    }
}
