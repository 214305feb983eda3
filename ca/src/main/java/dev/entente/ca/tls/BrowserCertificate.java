package dev.entente.ca.tls;

import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.HKDFParameters;
import org.bouncycastle.crypto.signers.ECDSASigner;
import org.bouncycastle.crypto.signers.HMacDSAKCalculator;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.ec.CustomNamedCurves;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.operator.ContentSigner;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;

/**
 * The certificate a browser gets from a hub whose own TLS certificate is Ed25519: no mainstream
 * browser implements Ed25519 in TLS, so without it the console could not be opened at all. It is
 * an ECDSA P-256 certificate for the same names and validity, self-signed, and <em>derived</em>
 * from the hub's Ed25519 key: the EC key is HKDF of that key, and the signature is deterministic
 * (RFC 6979). So every replica and every restart serves a browser the very same certificate, and
 * the exception a browser user accepted (or the public-key pin they set) holds until the hub's own
 * key is rotated, exactly like the peers' pins. Peers, the CLI and every client that offers Ed25519
 * never see it (see the hub's key manager).
 */
public final class BrowserCertificate {
    private static final byte[] INFO = "entente hub tls: ecdsa p-256 certificate for browsers".getBytes(StandardCharsets.US_ASCII);
    private static final X9ECParameters P256 = CustomNamedCurves.getByName("secp256r1");
    private static final ECDomainParameters DOMAIN = new ECDomainParameters(P256.getCurve(), P256.getG(), P256.getN(), P256.getH());

    public record Derived(PrivateKey key, X509Certificate certificate) {
    }

    private BrowserCertificate() {
    }

    /** Whether {@code key} is one a browser cannot be served, so the hub needs the derived certificate next to it. */
    public static boolean needed(PrivateKey key) {
        return "EdDSA".equals(key.getAlgorithm()) || "Ed25519".equals(key.getAlgorithm());
    }

    /** The browser certificate for the hub's {@code ed25519Key} and its certificate {@code served}. */
    public static Derived derive(PrivateKey ed25519Key, X509Certificate served) {
        try {
            BigInteger d = scalar(ed25519Key.getEncoded());
            ECPoint q = DOMAIN.getG().multiply(d).normalize();
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
            KeyFactory ec = KeyFactory.getInstance("EC");
            PrivateKey key = ec.generatePrivate(new ECPrivateKeySpec(d, spec));
            PublicKey publicKey = ec.generatePublic(new ECPublicKeySpec(
                    new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()), spec));

            X500Name subject = new JcaX509CertificateHolder(served).getSubject();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(publicKey),
                    served.getNotBefore(), served.getNotAfter(), subject, publicKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            Extension names = new JcaX509CertificateHolder(served).getExtension(Extension.subjectAlternativeName);
            if (names != null) {
                builder.addExtension(names);
            }
            X509CertificateHolder holder = builder.build(new DeterministicEcdsa(d));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
            return new Derived(key, certificate);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot derive the hub's certificate for browsers: " + e.getMessage(), e);
        }
    }

    /** A scalar in [1, n-1] from HKDF-SHA256 of the hub key's encoding; 48 bytes keep the modulo bias negligible. */
    private static BigInteger scalar(byte[] ikm) {
        HKDFBytesGenerator hkdf = new HKDFBytesGenerator(new SHA256Digest());
        hkdf.init(new HKDFParameters(ikm, null, INFO));
        byte[] okm = new byte[48];
        hkdf.generateBytes(okm, 0, okm.length);
        Arrays.fill(ikm, (byte) 0);
        return new BigInteger(1, okm).mod(DOMAIN.getN().subtract(BigInteger.ONE)).add(BigInteger.ONE);
    }

    private static BigInteger serial(PublicKey key) throws GeneralSecurityException {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        return new BigInteger(1, Arrays.copyOf(digest, 16)).setBit(127);
    }

    /** ecdsa-with-SHA256 with RFC 6979 nonces: the same key and bytes always give the same signature. */
    private static final class DeterministicEcdsa implements ContentSigner {
        private final BigInteger d;
        private final ByteArrayOutputStream signed = new ByteArrayOutputStream();

        DeterministicEcdsa(BigInteger d) {
            this.d = d;
        }

        @Override
        public AlgorithmIdentifier getAlgorithmIdentifier() {
            return new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
        }

        @Override
        public OutputStream getOutputStream() {
            return signed;
        }

        @Override
        public byte[] getSignature() {
            SHA256Digest sha = new SHA256Digest();
            byte[] message = signed.toByteArray();
            sha.update(message, 0, message.length);
            byte[] hash = new byte[sha.getDigestSize()];
            sha.doFinal(hash, 0);
            ECDSASigner signer = new ECDSASigner(new HMacDSAKCalculator(new SHA256Digest()));
            signer.init(true, new ECPrivateKeyParameters(d, DOMAIN));
            BigInteger[] rs = signer.generateSignature(hash);
            try {
                return new DERSequence(new org.bouncycastle.asn1.ASN1Encodable[]{new ASN1Integer(rs[0]), new ASN1Integer(rs[1])})
                        .getEncoded();
            } catch (IOException e) {
                throw new IllegalStateException("cannot encode an ECDSA signature", e);
            }
        }
    }
}
