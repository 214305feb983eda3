package dev.entente.bench;

import com.google.crypto.tink.subtle.Ed25519Sign;
import com.google.crypto.tink.subtle.Ed25519Verify;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.math.ec.rfc8032.Ed25519;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.Signature;

/**
 * Ed25519 sign, verify and the pair, on each implementation a JVM here can use, over a 400-byte
 * message (about a certificate's TBS):
 * <ul>
 *   <li>{@code sunec}: the JDK's provider (pure Java; much faster from JDK 21 on);</li>
 *   <li>{@code bc-jca}: BouncyCastle's JCA provider;</li>
 *   <li>{@code bc}: BouncyCastle's low-level {@code rfc8032.Ed25519}, with the public key kept
 *       next to the seed so signing does not derive it again;</li>
 *   <li>{@code tink}: Tink's {@code subtle.Ed25519Sign}, which Nimbus signs JWS with.</li>
 * </ul>
 */
@State(Scope.Thread)
public class Ed25519Benchmark {
    @Param({"sunec", "bc-jca", "bc", "tink"})
    public String impl;

    private final byte[] message = new byte[400];
    private byte[] signature;
    private Op op;

    /** One implementation's sign and verify over fixed keys. */
    interface Op {
        byte[] sign(byte[] message) throws GeneralSecurityException;

        boolean verify(byte[] message, byte[] signature) throws GeneralSecurityException;
    }

    @Setup
    public void setUp() throws GeneralSecurityException {
        new SecureRandom().nextBytes(message);
        op = switch (impl) {
            case "sunec" -> jca(Signature.getInstance("Ed25519", "SunEC").getProvider());
            case "bc-jca" -> jca(new BouncyCastleProvider());
            case "bc" -> bc();
            case "tink" -> tink();
            default -> throw new IllegalArgumentException(impl);
        };
        signature = op.sign(message);
        if (!op.verify(message, signature)) {
            throw new IllegalStateException(impl + " does not verify its own signature");
        }
    }

    @Benchmark
    public byte[] sign() throws GeneralSecurityException {
        return op.sign(message);
    }

    @Benchmark
    public boolean verify() throws GeneralSecurityException {
        return op.verify(message, signature);
    }

    @Benchmark
    public boolean signVerify() throws GeneralSecurityException {
        return op.verify(message, op.sign(message));
    }

    private static Op jca(Provider provider) throws GeneralSecurityException {
        KeyPair keys = KeyPairGenerator.getInstance("Ed25519", provider).generateKeyPair();
        Signature signer = Signature.getInstance("Ed25519", provider);
        Signature verifier = Signature.getInstance("Ed25519", provider);
        return new Op() {
            @Override
            public byte[] sign(byte[] m) throws GeneralSecurityException {
                signer.initSign(keys.getPrivate());
                signer.update(m);
                return signer.sign();
            }

            @Override
            public boolean verify(byte[] m, byte[] sig) throws GeneralSecurityException {
                verifier.initVerify(keys.getPublic());
                verifier.update(m);
                return verifier.verify(sig);
            }
        };
    }

    private static Op bc() {
        byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
        Ed25519.generatePrivateKey(new SecureRandom(), seed);
        byte[] pk = new byte[Ed25519.PUBLIC_KEY_SIZE];
        Ed25519.generatePublicKey(seed, 0, pk, 0);
        return new Op() {
            @Override
            public byte[] sign(byte[] m) {
                byte[] sig = new byte[Ed25519.SIGNATURE_SIZE];
                Ed25519.sign(seed, 0, pk, 0, m, 0, m.length, sig, 0);
                return sig;
            }

            @Override
            public boolean verify(byte[] m, byte[] sig) {
                return Ed25519.verify(sig, 0, pk, 0, m, 0, m.length);
            }
        };
    }

    private static Op tink() throws GeneralSecurityException {
        Ed25519Sign.KeyPair keys = Ed25519Sign.KeyPair.newKeyPair();
        Ed25519Sign signer = new Ed25519Sign(keys.getPrivateKey());
        Ed25519Verify verifier = new Ed25519Verify(keys.getPublicKey());
        return new Op() {
            @Override
            public byte[] sign(byte[] m) throws GeneralSecurityException {
                return signer.sign(m);
            }

            @Override
            public boolean verify(byte[] m, byte[] sig) {
                try {
                    verifier.verify(sig, m);
                    return true;
                } catch (GeneralSecurityException e) {
                    return false;
                }
            }
        };
    }

}
