package dev.entente.ca.jws;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;

import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Set;

/**
 * A Nimbus signer for ES256 whose key may be a handle into a PKCS#11 token: the signature is made
 * by {@code provider} (SunPKCS11, inside the token), where Nimbus' own {@code ECDSASigner} would
 * want to read the key's private value.
 */
public final class Es256JwsSigner implements JWSSigner {
    private final PrivateKey key;
    private final Provider provider;
    private final JCAContext jca = new JCAContext();

    /** @param provider the provider holding {@code key}, or null for a key in memory */
    public Es256JwsSigner(PrivateKey key, Provider provider) {
        if (!"EC".equals(key.getAlgorithm())) {
            throw new IllegalArgumentException("not an EC private key");
        }
        this.key = key;
        this.provider = provider;
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.ES256.equals(header.getAlgorithm())) {
            throw new JOSEException("only ES256 is signed here, not " + header.getAlgorithm());
        }
        try {
            Signature s = provider == null ? Signature.getInstance("SHA256withECDSA")
                    : Signature.getInstance("SHA256withECDSA", provider);
            s.initSign(key);
            s.update(signingInput);
            // JCA answers DER; a JWS carries R and S side by side, 32 bytes each
            return Base64URL.encode(ECDSA.transcodeSignatureToConcat(s.sign(), 64));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("cannot sign with ES256: " + e.getMessage(), e);
        }
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.ES256);
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
