package dev.entente.ca.crypto;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.StringReader;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.RSAKey;

/**
 * Private keys from PEM files other tools wrote (openssl, step-ca, Vault PKI): PKCS#8
 * ({@code BEGIN PRIVATE KEY}) and, since those tools write them too, SEC1 ({@code BEGIN EC PRIVATE
 * KEY}) and PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). Only keys a TLS 1.3 server can sign its
 * handshake with are taken: Ed25519, ECDSA on P-256 and RSA of 2048 bits or more.
 */
public final class PemKeys {
    /** RSA below this is refused: NIST retired 1024-bit RSA, and TLS clients refuse it too. */
    public static final int MIN_RSA_BITS = 2048;
    private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112");

    private PemKeys() {
    }

    /**
     * One parsed key and the algorithm as {@code sealed_keys} names it ({@code Ed25519},
     * {@code EC-P256}, {@code RSA}).
     */
    public record ParsedKey(PrivateKey key, String algorithm) {
    }

    /** @throws IllegalArgumentException saying what is wrong with the key, in words for an operator */
    public static ParsedKey parse(String pem) {
        Object object;
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            object = parser.readObject();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a PEM private key: " + e.getMessage(), e);
        }
        PrivateKeyInfo info;
        if (object instanceof PrivateKeyInfo pki) {
            info = pki;
        } else if (object instanceof PEMKeyPair pair) {
            info = pair.getPrivateKeyInfo();
        } else if (object instanceof PKCS8EncryptedPrivateKeyInfo || object instanceof PEMEncryptedKeyPair) {
            throw new IllegalArgumentException("the key is encrypted; the hub needs it unencrypted "
                    + "(openssl pkey -in key.pem -out plain.pem), readable by the hub's user only");
        } else if (object == null) {
            throw new IllegalArgumentException("no PEM private key in it (expected BEGIN PRIVATE KEY)");
        } else {
            throw new IllegalArgumentException("expected a private key, found " + describe(object));
        }
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        byte[] der;
        try {
            der = info.getEncoded();
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable private key: " + e.getMessage(), e);
        }
        if (oid.equals(ED25519)) {
            return new ParsedKey(Certificates.privateKey("Ed25519", der), "Ed25519");
        }
        if (oid.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            Object curve = info.getPrivateKeyAlgorithm().getParameters();
            if (!X9ObjectIdentifiers.prime256v1.equals(curve)) {
                String name = SECObjectIdentifiers.secp384r1.equals(curve) ? "P-384"
                        : SECObjectIdentifiers.secp521r1.equals(curve) ? "P-521" : String.valueOf(curve);
                throw new IllegalArgumentException("an ECDSA key on " + name + "; the hub serves ECDSA on P-256 only "
                        + "(openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256)");
            }
            return new ParsedKey(Certificates.privateKey("EC-P256", der), "EC-P256");
        }
        if (oid.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            PrivateKey key = Certificates.privateKey("RSA", der);
            int bits = ((RSAKey) key).getModulus().bitLength();
            if (bits < MIN_RSA_BITS) {
                throw new IllegalArgumentException("an RSA key of " + bits + " bits; the hub takes RSA of "
                        + MIN_RSA_BITS + " bits or more");
            }
            return new ParsedKey(key, "RSA");
        }
        throw new IllegalArgumentException("a key of algorithm " + oid.getId()
                + "; the hub serves Ed25519, ECDSA P-256 or RSA (2048 bits or more)");
    }

    /** Whether {@code key} is the private half of {@code publicKey}: it signs, the public key verifies. */
    public static boolean matches(PrivateKey key, PublicKey publicKey) {
        if (!key.getAlgorithm().equals(publicKey.getAlgorithm())
                && !(key.getAlgorithm().startsWith("Ed") && publicKey.getAlgorithm().startsWith("Ed"))) {
            return false;
        }
        byte[] probe = new byte[32];
        new SecureRandom().nextBytes(probe);
        String algorithm = switch (key.getAlgorithm()) {
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> "Ed25519";
        };
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String describe(Object object) {
        String name = object.getClass().getSimpleName();
        if (name.contains("Certificate")) {
            return "a certificate (is entente.tls.key-file pointing at the certificate?)";
        }
        if (name.contains("PublicKey") || name.equals("SubjectPublicKeyInfo")) {
            return "a public key";
        }
        return "a PEM object of type " + name;
    }
}
