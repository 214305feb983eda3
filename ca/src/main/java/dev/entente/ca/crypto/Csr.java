package dev.entente.ca.crypto;

import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.operator.ContentVerifierProvider;
import org.bouncycastle.operator.DefaultAlgorithmNameFinder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed PKCS#10 certificate signing request, reduced to what the CA's policy looks at: the
 * key (family, curve, size), whether the self-signature verifies, and whether it asks to be a
 * CA. Nothing else of the request (subject, SANs, other extensions) is ever copied into a
 * certificate, so this class does not even expose them beyond a display string.
 *
 * <p>Keys are the JDK's (SunEC, SunRsaSign). Ed25519 self-signatures are checked by
 * {@link Ed25519Signing}, the others by the JDK's providers.
 */
public final class Csr {
    /** Larger than any honest CSR (an RSA-8192 request is ~1.5 KB): refuse before decoding. */
    public static final int MAX_BYTES = 64 * 1024;

    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (NEW )?CERTIFICATE REQUEST-----([A-Za-z0-9+/=\\s]+)-----END (NEW )?CERTIFICATE REQUEST-----");

    private final PKCS10CertificationRequest request;
    private final KeyInfo key;
    private final boolean requestsCa;

    private Csr(PKCS10CertificationRequest request, KeyInfo key, boolean requestsCa) {
        this.request = request;
        this.key = key;
        this.requestsCa = requestsCa;
    }

    /**
     * What the request's key is. {@code family} is {@code Ed25519}, {@code Ed448}, {@code EC},
     * {@code RSA} or the algorithm OID; {@code curve} is {@code P-256}, {@code P-384},
     * {@code P-521}, another curve's OID, or {@code null}; {@code bits} is the RSA modulus size
     * (or the nominal size of the others).
     */
    public record KeyInfo(String family, String curve, int bits) {
        /** A short human name: {@code Ed25519}, {@code ECDSA P-256}, {@code RSA-2048}. */
        public String label() {
            return switch (family) {
                case "EC" -> "ECDSA " + (curve == null ? "(explicit curve parameters)" : curve);
                case "RSA" -> "RSA-" + bits;
                default -> family;
            };
        }
    }

    /**
     * Decodes a PEM ({@code CERTIFICATE REQUEST} or {@code NEW CERTIFICATE REQUEST}) or DER
     * request.
     *
     * @throws IllegalArgumentException with a one-line reason (never a decoder's stack) when the
     *                                  bytes are not a PKCS#10 request
     */
    public static Csr parse(byte[] pemOrDer) {
        if (pemOrDer == null || pemOrDer.length == 0) {
            throw new IllegalArgumentException("empty certificate signing request");
        }
        if (pemOrDer.length > MAX_BYTES) {
            throw new IllegalArgumentException("certificate signing request larger than " + MAX_BYTES + " bytes");
        }
        byte[] der = pemOrDer[0] == 0x30 ? pemOrDer : fromPem(pemOrDer);
        PKCS10CertificationRequest request;
        try {
            request = new PKCS10CertificationRequest(der);
        } catch (IOException | RuntimeException e) {
            // BouncyCastle throws IOException, IllegalArgumentException or ClassCastException
            // depending on where the garbage sits; they all mean the same thing to the caller.
            throw new IllegalArgumentException("not a PKCS#10 certificate signing request");
        }
        try {
            return new Csr(request, describe(request.getSubjectPublicKeyInfo()), requestsCa(request));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("certificate signing request has an undecodable key or extension");
        }
    }

    private static byte[] fromPem(byte[] bytes) {
        Matcher m = PEM.matcher(new String(bytes, StandardCharsets.US_ASCII));
        if (!m.find()) {
            throw new IllegalArgumentException("neither DER nor a PEM CERTIFICATE REQUEST block");
        }
        try {
            // the MIME decoder skips line breaks itself, and the pattern let nothing else through
            return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM CERTIFICATE REQUEST block is not valid base64");
        }
    }

    private static KeyInfo describe(SubjectPublicKeyInfo spki) {
        AlgorithmIdentifier alg = spki.getAlgorithm();
        ASN1ObjectIdentifier oid = alg.getAlgorithm();
        if (EdECObjectIdentifiers.id_Ed25519.equals(oid)) {
            return new KeyInfo("Ed25519", null, 256);
        }
        if (EdECObjectIdentifiers.id_Ed448.equals(oid)) {
            return new KeyInfo("Ed448", null, 448);
        }
        if (X9ObjectIdentifiers.id_ecPublicKey.equals(oid)) {
            ASN1Encodable params = alg.getParameters();
            if (!(params instanceof ASN1ObjectIdentifier curve)) {
                return new KeyInfo("EC", null, 0); // explicit parameters: never accepted
            }
            if (SECObjectIdentifiers.secp256r1.equals(curve)) {
                return new KeyInfo("EC", "P-256", 256);
            }
            if (SECObjectIdentifiers.secp384r1.equals(curve)) {
                return new KeyInfo("EC", "P-384", 384);
            }
            if (SECObjectIdentifiers.secp521r1.equals(curve)) {
                return new KeyInfo("EC", "P-521", 521);
            }
            return new KeyInfo("EC", curve.getId(), 0);
        }
        if (PKCSObjectIdentifiers.rsaEncryption.equals(oid)) {
            try {
                return new KeyInfo("RSA", null, RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength());
            } catch (IOException e) {
                throw new IllegalArgumentException("undecodable RSA key");
            }
        }
        return new KeyInfo(oid.getId(), null, 0);
    }

    private static boolean requestsCa(PKCS10CertificationRequest request) {
        for (Attribute a : request.getAttributes(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest)) {
            for (ASN1Encodable value : a.getAttributeValues()) {
                Extensions extensions = Extensions.getInstance(value);
                Extension bc = extensions.getExtension(Extension.basicConstraints);
                if (bc != null && BasicConstraints.getInstance(bc.getParsedValue()).isCA()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The key's family, curve and size, as read from the request (not yet trusted). */
    public KeyInfo key() {
        return key;
    }

    /** True when the request carries a basicConstraints extension with CA:true. */
    public boolean requestsCa() {
        return requestsCa;
    }

    /** The requested subject, for logs and error details only: the CA never copies it. */
    public String requestedSubject() {
        return request.getSubject().toString();
    }

    /** The name of the request's signature algorithm, e.g. {@code Ed25519}, {@code SHA256WITHECDSA}. */
    public String signatureAlgorithm() {
        return new DefaultAlgorithmNameFinder().getAlgorithmName(request.getSignatureAlgorithm());
    }

    /**
     * The request's key as a JDK key (Ed25519, EC or RSA).
     *
     * @throws IllegalArgumentException when the JDK cannot decode it
     */
    public PublicKey publicKey() {
        String jdk = switch (key.family()) {
            case "Ed25519", "Ed448", "EC", "RSA" -> key.family();
            default -> throw new IllegalArgumentException("no JDK key type for " + key.family());
        };
        try {
            return KeyFactory.getInstance(jdk).generatePublic(new X509EncodedKeySpec(
                    request.getSubjectPublicKeyInfo().getEncoded()));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("undecodable " + key.label() + " key");
        }
    }

    /**
     * True when the request's self-signature verifies under its own key: proof that the sender
     * holds the private key. An unknown or mismatched signature algorithm counts as invalid.
     */
    public boolean isSignatureValid(PublicKey publicKey) {
        try {
            ContentVerifierProvider verifier = Ed25519Signing.isEd25519(publicKey)
                    ? Ed25519Signing.verifierProvider(publicKey)
                    : new JcaContentVerifierProviderBuilder().build(publicKey);
            return request.isSignatureValid(verifier);
        } catch (Exception e) {
            // PKCSException / OperatorCreationException / provider errors: all "does not verify"
            return false;
        }
    }

    /** The DER encoding of the request. */
    public byte[] encoded() {
        try {
            return request.getEncoded();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
