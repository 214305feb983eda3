package dev.entente.ca.jws;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.util.Base64URL;
import dev.entente.ca.crypto.Ed25519Signing;

import java.security.PublicKey;
import java.util.Set;

/**
 * A Nimbus verifier for EdDSA over {@link Ed25519Signing}, refusing what Nimbus' own
 * {@code Ed25519Verifier} refuses: another {@code alg}, and any critical header (Entente defines none).
 */
public final class Ed25519JwsVerifier implements JWSVerifier {
    private final byte[] publicKey;
    private final JCAContext jca = new JCAContext();

    public Ed25519JwsVerifier(PublicKey key) {
        this.publicKey = Ed25519Signing.rawPublic(key);
    }

    @Override
    public boolean verify(JWSHeader header, byte[] signedContent, Base64URL signature) {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm()) || header.getCriticalParams() != null) {
            return false;
        }
        return Ed25519Signing.verify(publicKey, signedContent, signature.decode());
    }

    @Override
    public Set<JWSAlgorithm> supportedJWSAlgorithms() {
        return Set.of(JWSAlgorithm.EdDSA);
    }

    @Override
    public JCAContext getJCAContext() {
        return jca;
    }
}
