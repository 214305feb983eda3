package dev.entente.ca.crypto;

import org.bouncycastle.math.ec.rfc7748.X25519;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.InvalidAlgorithmParameterException;
import java.security.InvalidKeyException;
import java.security.InvalidParameterException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGeneratorSpi;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.ProviderException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Security;
import java.security.SignatureException;
import java.security.SignatureSpi;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.EdECPublicKey;
import java.security.interfaces.XECPrivateKey;
import java.security.interfaces.XECPublicKey;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.List;
import java.util.Map;
import javax.crypto.KeyAgreementSpi;
import javax.crypto.SecretKey;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * A JCA provider for the two Curve25519 operations of a TLS 1.3 handshake between hubs, with
 * BouncyCastle's arithmetic instead of SunEC's pure-Java field code (on Java 17 several times
 * slower for both): {@code Signature.Ed25519}, backed by {@link Ed25519Signing} (the
 * CertificateVerify of the hub and of its clients, X.509 signature checks), and X25519 key
 * agreement, {@code KeyPairGenerator.XDH} and {@code KeyAgreement.XDH} (the handshake's
 * ephemeral key share). Installed first, JSSE picks them; every other algorithm still comes from
 * the JDK's providers. Keys stay SunEC's objects (made by its {@code KeyFactory}): the provider
 * only takes Ed25519 and X25519 keys and refuses the rest, so Ed448, X448 and foreign keys fall
 * through to the next provider. Which groups a handshake offers ({@code jdk.tls.namedGroups}) and
 * which protocol it speaks are JSSE's settings, untouched.
 */
public final class Curve25519Provider extends Provider {
    /** The provider's name, as {@code Signature.getProvider().getName()} shows it. */
    public static final String NAME = "EntenteCurve25519";
    private static final String X25519_NAME = "X25519";
    private static final String XEC_KEY_CLASSES = "java.security.interfaces.XECPublicKey|java.security.interfaces.XECPrivateKey";
    private static final BigInteger P = BigInteger.ONE.shiftLeft(255).subtract(BigInteger.valueOf(19));
    private static final SecureRandom RANDOM = new SecureRandom();
    // The JDK's own key objects, so that keys made here encode, compare and serialise as SunEC's do.
    private static final ThreadLocal<KeyFactory> XDH_KEYS = ThreadLocal.withInitial(() -> {
        try {
            return KeyFactory.getInstance("XDH", "SunEC");
        } catch (GeneralSecurityException e) {
            throw new ProviderException("the JDK's XDH key factory (SunEC) is missing", e);
        }
    });

    private Curve25519Provider() {
        super(NAME, "1.1", "Ed25519 signatures and X25519 key agreement by BouncyCastle's RFC 8032 and RFC 7748 code");
        putService(new Service(this, "Signature", "Ed25519", Spi.class.getName(),
                List.of("1.3.101.112", "OID.1.3.101.112"),
                Map.of("SupportedKeyClasses", "java.security.interfaces.EdECPublicKey|java.security.interfaces.EdECPrivateKey")) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new Spi();
            }
        });
        // JSSE asks for "XDH" initialised with NamedParameterSpec.X25519; X448 parameters are
        // refused here, and the JCA then tries the next provider (SunEC).
        putService(new Service(this, "KeyPairGenerator", "XDH", X25519KeyPairs.class.getName(),
                List.of(X25519_NAME, "1.3.101.110", "OID.1.3.101.110"), null) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new X25519KeyPairs();
            }
        });
        putService(new Service(this, "KeyAgreement", "XDH", X25519Agreement.class.getName(),
                List.of(X25519_NAME, "1.3.101.110", "OID.1.3.101.110"), Map.of("SupportedKeyClasses", XEC_KEY_CLASSES)) {
            @Override
            public Object newInstance(Object constructorParameter) {
                return new X25519Agreement();
            }
        });
    }

    /** Puts the provider first, once per JVM; later calls do nothing. */
    public static synchronized void install() {
        if (Security.getProvider(NAME) == null) {
            Security.insertProviderAt(new Curve25519Provider(), 1);
        }
    }

    private static boolean isX25519(AlgorithmParameterSpec params) {
        return params instanceof NamedParameterSpec named && named.getName().equalsIgnoreCase(X25519_NAME);
    }

    /** X25519 key pairs: BouncyCastle's fixed-base multiplication, the keys as SunEC objects. */
    private static final class X25519KeyPairs extends KeyPairGeneratorSpi {
        private SecureRandom random = RANDOM;

        @Override
        public void initialize(int keysize, SecureRandom random) {
            if (keysize != 255) {
                throw new InvalidParameterException("X25519 keys are 255 bits, not " + keysize);
            }
            this.random = random == null ? RANDOM : random;
        }

        @Override
        public void initialize(AlgorithmParameterSpec params, SecureRandom random) throws InvalidAlgorithmParameterException {
            if (!isX25519(params)) {
                throw new InvalidAlgorithmParameterException("only X25519 here, not " + params);
            }
            this.random = random == null ? RANDOM : random;
        }

        @Override
        public KeyPair generateKeyPair() {
            byte[] k = new byte[X25519.SCALAR_SIZE];
            X25519.generatePrivateKey(random, k);
            byte[] u = new byte[X25519.POINT_SIZE];
            X25519.generatePublicKey(k, 0, u, 0);
            try {
                KeyFactory keys = XDH_KEYS.get();
                return new KeyPair(keys.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, littleEndian(u))),
                        keys.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, k)));
            } catch (GeneralSecurityException e) {
                throw new ProviderException("cannot make X25519 key objects", e);
            }
        }

        private static BigInteger littleEndian(byte[] bytes) {
            byte[] be = new byte[bytes.length];
            for (int i = 0; i < bytes.length; i++) {
                be[i] = bytes[bytes.length - 1 - i];
            }
            return new BigInteger(1, be);
        }
    }

    /**
     * X25519 (RFC 7748) with BouncyCastle's ladder. Answers as SunEC's {@code XDHKeyAgreement}
     * does: one phase, an all-zero result (a small-order point) refused, and a secret handed out
     * once, raw or as the {@code TlsPremasterSecret} JSSE asks for.
     */
    private static final class X25519Agreement extends KeyAgreementSpi {
        private byte[] scalar;
        private byte[] secret;

        @Override
        protected void engineInit(Key key, SecureRandom random) throws InvalidKeyException {
            if (!(key instanceof XECPrivateKey xec) || !isX25519(xec.getParams())) {
                throw new InvalidKeyException("not an X25519 private key");
            }
            byte[] k = xec.getScalar().orElseThrow(() -> new InvalidKeyException("the X25519 key does not expose its scalar"));
            if (k.length != X25519.SCALAR_SIZE) {
                throw new InvalidKeyException("an X25519 scalar is " + X25519.SCALAR_SIZE + " bytes, not " + k.length);
            }
            scalar = k;
            secret = null;
        }

        @Override
        protected void engineInit(Key key, AlgorithmParameterSpec params, SecureRandom random)
                throws InvalidKeyException, InvalidAlgorithmParameterException {
            if (params != null && !isX25519(params)) {
                throw new InvalidAlgorithmParameterException("only X25519 here, not " + params);
            }
            engineInit(key, random);
        }

        @Override
        protected Key engineDoPhase(Key key, boolean lastPhase) throws InvalidKeyException {
            if (scalar == null) {
                throw new IllegalStateException("not initialised");
            }
            if (!lastPhase) {
                throw new IllegalStateException("X25519 has only one phase");
            }
            if (!(key instanceof XECPublicKey xec) || !isX25519(xec.getParams())) {
                throw new InvalidKeyException("not an X25519 public key");
            }
            // u mod p, as SunEC's key objects hold it; little-endian, 32 bytes (RFC 7748 §5).
            byte[] be = xec.getU().mod(P).toByteArray();
            byte[] u = new byte[X25519.POINT_SIZE];
            for (int i = 0; i < u.length && i < be.length; i++) {
                u[i] = be[be.length - 1 - i];
            }
            byte[] r = new byte[X25519.POINT_SIZE];
            if (!X25519.calculateAgreement(scalar, 0, u, 0, r, 0)) {
                throw new InvalidKeyException("Point has small order");
            }
            secret = r;
            return null;
        }

        @Override
        protected byte[] engineGenerateSecret() {
            if (secret == null) {
                throw new IllegalStateException("no secret: doPhase first");
            }
            byte[] s = secret;
            secret = null;
            return s;
        }

        @Override
        protected int engineGenerateSecret(byte[] sharedSecret, int offset) throws ShortBufferException {
            if (secret == null) {
                throw new IllegalStateException("no secret: doPhase first");
            }
            if (sharedSecret.length - offset < secret.length) {
                throw new ShortBufferException("the secret needs " + secret.length + " bytes");
            }
            byte[] s = engineGenerateSecret();
            System.arraycopy(s, 0, sharedSecret, offset, s.length);
            return s.length;
        }

        @Override
        protected SecretKey engineGenerateSecret(String algorithm) throws NoSuchAlgorithmException {
            if (!"TlsPremasterSecret".equals(algorithm)) {
                throw new NoSuchAlgorithmException("only TlsPremasterSecret, not " + algorithm);
            }
            return new SecretKeySpec(engineGenerateSecret(), algorithm);
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
