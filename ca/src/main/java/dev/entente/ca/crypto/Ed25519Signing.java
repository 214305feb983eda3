package dev.entente.ca.crypto;

import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.ContentVerifier;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.cert.X509CertificateHolder;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Ed25519 signatures with BouncyCastle's low-level RFC 8032 code instead of the JDK's SunEC: on
 * Java 17 SunEC signs about 15 times and verifies about 10 times slower (docs/performance.md,
 * "Against the machine's limit"). Keys stay the JDK's own objects, stored and encoded as before;
 * only the arithmetic moves. Ed25519 is deterministic, so a signature made here is the very byte
 * string SunEC would have made over the same message with the same key.
 */
public final class Ed25519Signing {
    /** The AlgorithmIdentifier of an Ed25519 signature (RFC 8410: no parameters). */
    public static final AlgorithmIdentifier ALGORITHM = new AlgorithmIdentifier(EdECObjectIdentifiers.id_Ed25519);

    // An Ed25519 SubjectPublicKeyInfo is a fixed 12-byte prefix and the 32-byte key (RFC 8410).
    private static final int SPKI_LENGTH = 12 + Ed25519.PUBLIC_KEY_SIZE;

    // Deriving the public key costs as much as a signature: keep it per private key, for as long
    // as the key object lives (a CA key, a token key: a handful per hub).
    private static final Map<PrivateKey, KeyPairBytes> EXPANDED = Collections.synchronizedMap(new WeakHashMap<>());

    private Ed25519Signing() {
    }

    /** A seed and the public key it derives, both raw 32 bytes. */
    private record KeyPairBytes(byte[] seed, byte[] publicKey) {
    }

    /** True for an Ed25519 key, whichever provider made it. */
    public static boolean isEd25519(Key key) {
        String alg = key.getAlgorithm();
        if (alg.equals("Ed25519")) {
            return true;
        }
        // SunEC names its keys "EdDSA" for both curves; the encoding tells Ed25519 from Ed448
        return alg.equals("EdDSA") && (key instanceof PublicKey ? rawPublicOrNull((PublicKey) key) != null
                : key instanceof EdECPrivateKey edec && edec.getParams().getName().equals("Ed25519"));
    }

    /** The Ed25519 signature of {@code message}. */
    public static byte[] sign(PrivateKey key, byte[] message) {
        KeyPairBytes k = EXPANDED.computeIfAbsent(key, Ed25519Signing::expand);
        byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
        Ed25519.sign(k.seed(), 0, k.publicKey(), 0, message, 0, message.length, sig, 0);
        return sig;
    }

    /** Whether {@code signature} is a valid Ed25519 signature of {@code message} under {@code key}. */
    public static boolean verify(PublicKey key, byte[] message, byte[] signature) {
        return verify(rawPublic(key), message, signature);
    }

    /** {@link #verify(PublicKey, byte[], byte[])} with the raw 32-byte public key. */
    public static boolean verify(byte[] rawPublicKey, byte[] message, byte[] signature) {
        if (rawPublicKey.length != Ed25519.PUBLIC_KEY_SIZE || signature.length != Ed25519.SIGNATURE_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, rawPublicKey, 0, message, 0, message.length);
    }

    /** The raw 32 bytes of an Ed25519 public key. */
    public static byte[] rawPublic(PublicKey key) {
        byte[] raw = rawPublicOrNull(key);
        if (raw == null) {
            throw new IllegalArgumentException("not an Ed25519 public key");
        }
        return raw;
    }

    /** The raw 32-byte seed of an Ed25519 private key, whichever PKCS#8 version encoded it. */
    public static byte[] rawPrivate(PrivateKey key) {
        try {
            PrivateKey jdk = key instanceof EdECPrivateKey ? key
                    : KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
            byte[] seed = ((EdECPrivateKey) jdk).getBytes()
                    .orElseThrow(() -> new IllegalArgumentException("Ed25519 key has no bytes"));
            if (seed.length != Ed25519.SECRET_KEY_SIZE) {
                throw new IllegalArgumentException("not an Ed25519 private key");
            }
            return seed;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("not an Ed25519 private key", e);
        }
    }

    /** The raw 32-byte public key that an Ed25519 private key derives. */
    public static byte[] derivePublic(PrivateKey key) {
        return EXPANDED.computeIfAbsent(key, Ed25519Signing::expand).publicKey().clone();
    }

    /** A BouncyCastle content signer (certificates, CSRs) for an Ed25519 private key. */
    public static ContentSigner contentSigner(PrivateKey key) {
        ByteArrayOutputStream tbs = new ByteArrayOutputStream(512);
        return new ContentSigner() {
            @Override
            public AlgorithmIdentifier getAlgorithmIdentifier() {
                return ALGORITHM;
            }

            @Override
            public OutputStream getOutputStream() {
                return tbs;
            }

            @Override
            public byte[] getSignature() {
                return sign(key, tbs.toByteArray());
            }
        };
    }

    /** A BouncyCastle verifier provider (CSR self-signatures) for an Ed25519 public key: Ed25519 signatures only. */
    public static ContentVerifierProvider verifierProvider(PublicKey key) {
        byte[] raw = rawPublic(key);
        return new ContentVerifierProvider() {
            @Override
            public boolean hasAssociatedCertificate() {
                return false;
            }

            @Override
            public X509CertificateHolder getAssociatedCertificate() {
                return null;
            }

            @Override
            public ContentVerifier get(AlgorithmIdentifier algorithm) throws OperatorCreationException {
                if (!ALGORITHM.getAlgorithm().equals(algorithm.getAlgorithm())) {
                    throw new OperatorCreationException("an Ed25519 key cannot verify " + algorithm.getAlgorithm());
                }
                ByteArrayOutputStream signed = new ByteArrayOutputStream(512);
                return new ContentVerifier() {
                    @Override
                    public AlgorithmIdentifier getAlgorithmIdentifier() {
                        return algorithm;
                    }

                    @Override
                    public OutputStream getOutputStream() {
                        return signed;
                    }

                    @Override
                    public boolean verify(byte[] signature) {
                        return Ed25519Signing.verify(raw, signed.toByteArray(), signature);
                    }
                };
            }
        };
    }

    private static KeyPairBytes expand(PrivateKey key) {
        byte[] seed = rawPrivate(key);
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, pk, 0);
        return new KeyPairBytes(seed, pk);
    }

    private static byte[] rawPublicOrNull(PublicKey key) {
        byte[] spki = key.getEncoded();
        if (spki == null || spki.length != SPKI_LENGTH || spki[0] != 0x30 || spki[8] != 0x70) {
            return null; // 0x70 = 112, the last arc of id-Ed25519 (1.3.101.112)
        }
        return Arrays.copyOfRange(spki, 12, SPKI_LENGTH);
    }
}
