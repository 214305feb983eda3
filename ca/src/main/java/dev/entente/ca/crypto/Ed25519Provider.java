package dev.entente.ca.crypto;

import java.io.ByteArrayOutputStream;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.util.List;
import java.util.Map;

/**
 * A JCA provider with one service, {@code Signature.Ed25519}, backed by {@link Ed25519Signing}.
 * Installed first, it is what JSSE (the TLS 1.3 CertificateVerify of the hub and of its clients)
 * and X.509 signature checks pick for Ed25519, several times faster than SunEC on Java 17; every
 * other algorithm still comes from the JDK's providers. Keys stay SunEC's: the provider only
 * takes Ed25519 keys ({@code EdECKey} with the Ed25519 curve) and refuses the rest, so Ed448
 * and foreign keys fall through to the next provider.
 */
public final class Ed25519Provider extends Provider {
    /** The provider's name, as {@code Signature.getProvider().getName()} shows it. */
    public static final String NAME = "EntenteEd25519";

    private Ed25519Provider() {
        super(NAME, "1.0", "Ed25519 signatures by BouncyCastle's RFC 8032 code");
        putService(new Service(this, "Signature", "Ed25519", Spi.class.getName(),
                List.of("1.3.101.112", "OID.1.3.101.112"),
                Map.of("SupportedKeyClasses", "java.security.interfaces.EdECPublicKey|java.security.interfaces.EdECPrivateKey")) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new Spi();
            }
        });
    }

    /** Puts the provider first, once per JVM; later calls do nothing. */
    public static synchronized void install() {
        if (Security.getProvider(NAME) == null) {
            Security.insertProviderAt(new Ed25519Provider(), 1);
        }
    }

    /** One-shot Ed25519 over a buffered message (Ed25519 hashes the message twice, so it cannot stream). */
    private static final class Spi extends SignatureSpi {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream(512);
        private PrivateKey privateKey;
        private PublicKey publicKey;

        @Override
        protected void engineInitSign(PrivateKey key) throws InvalidKeyException {
            if (!(key instanceof EdECPrivateKey edec) || !edec.getParams().getName().equalsIgnoreCase("Ed25519")) {
                throw new InvalidKeyException("not an Ed25519 private key");
            }
            privateKey = key;
            publicKey = null;
            message.reset();
        }

        @Override
        protected void engineInitVerify(PublicKey key) throws InvalidKeyException {
            if (!(key instanceof EdECPublicKey edec) || !edec.getParams().getName().equalsIgnoreCase("Ed25519")) {
                throw new InvalidKeyException("not an Ed25519 public key");
            }
            publicKey = key;
            privateKey = null;
            message.reset();
        }

        @Override
        protected void engineUpdate(byte b) {
            message.write(b);
        }

        @Override
        protected void engineUpdate(byte[] b, int off, int len) {
            message.write(b, off, len);
        }

        @Override
        protected byte[] engineSign() throws SignatureException {
            if (privateKey == null) {
                throw new SignatureException("not initialised for signing");
            }
            byte[] sig = Ed25519Signing.sign(privateKey, message.toByteArray());
            message.reset();
            return sig;
        }

        @Override
        protected boolean engineVerify(byte[] sigBytes) throws SignatureException {
            if (publicKey == null) {
                throw new SignatureException("not initialised for verification");
            }
            boolean ok = Ed25519Signing.verify(publicKey, message.toByteArray(), sigBytes);
            message.reset();
            return ok;
        }

        @Override
        @Deprecated
        protected void engineSetParameter(String param, Object value) {
            throw new InvalidParameterException("no parameters");
        }

        @Override
        @Deprecated
        protected Object engineGetParameter(String param) {
            throw new InvalidParameterException("no parameters");
        }
    }
}
