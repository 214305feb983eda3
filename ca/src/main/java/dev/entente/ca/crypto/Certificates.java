package dev.entente.ca.crypto;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import java.util.Map;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Key pairs, self-signed hub certificates, PEM and fingerprints. Keys are the JDK's own
 * (SunEC Ed25519/EC) so that JSSE uses them directly; BouncyCastle builds certificates and makes
 * their Ed25519 signatures ({@link Ed25519Signing}).
 */
public final class Certificates {
    /**
     * How far every certificate's notBefore is set back: a machine whose clock runs slow, or was
     * just stepped back by NTP, must still accept a certificate issued a moment ago elsewhere.
     * Five minutes covers the steps NTP makes after a short outage; validity counts from the
     * issuing moment, not from the back-dated start.
     */
    public static final java.time.Duration BACKDATE = java.time.Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();
    // A factory per thread: looking one up through the providers costs as much as the parse.
    private static final ThreadLocal<CertificateFactory> X509 = ThreadLocal.withInitial(() -> {
        try {
            return CertificateFactory.getInstance("X.509");
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
    });

    private Certificates() {
    }

    /** A fresh Ed25519 key pair. */
    public static KeyPair ed25519() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Ed25519 unavailable in this JDK", e);
        }
    }

    /** A fresh ECDSA key pair on NIST P-256 (secp256r1). */
    public static KeyPair ecP256() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("EC P-256 unavailable in this JDK", e);
        }
    }

    /**
     * A self-signed CA certificate: CA:true with pathLen 0 (it signs leaves only, never another
     * CA), keyCertSign+cRLSign, and an SKI so that leaves carry a matching AKI and verifiers
     * (OpenSSL included) can tell two CA certificates with the same subject apart mid-rotation.
     */
    public static X509Certificate caCertificate(KeyPair keys, String commonName, Instant notBefore, Duration validity) {
        return caCertificate(keys, null, commonName, notBefore, validity);
    }

    /** {@link #caCertificate(KeyPair, String, Instant, Duration)} signed through {@code provider} (a PKCS#11 token's), or the JDK's when null. */
    public static X509Certificate caCertificate(KeyPair keys, Provider provider, String commonName, Instant notBefore,
                                               Duration validity) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Entente")
                .addRDN(BCStyle.CN, commonName)
                .build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(notBefore), Date.from(notBefore.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
            ContentSigner signer = contentSigner(keys.getPrivate(), provider);
            return toX509(builder.build(signer));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build CA certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A self-signed certificate that only files a key in a PKCS#11 token (SunPKCS11 lists a private
     * key only with a certificate): {@code CN=<alias>}, no usage, signed through {@code provider}.
     */
    public static X509Certificate holderCertificate(KeyPair keys, Provider provider, String alias) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, alias).build();
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minus(BACKDATE)),
                    Date.from(now.plus(Duration.ofDays(36500))), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            return toX509(builder.build(contentSigner(keys.getPrivate(), provider)));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a holder certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A federation node (client) certificate signed by {@code caKey}: CA:false, keyUsage
     * digitalSignature, EKU clientAuth only, one URI SAN, AKI = the CA certificate's SKI, and an
     * SKI of its own. Subject and SAN are the caller's (the CA's), never the request's.
     */
    public static X509Certificate nodeCertificate(PublicKey subjectKey, String commonName, String uriSan,
                                                  BigInteger serial, Instant notBefore, Instant notAfter,
                                                  X509Certificate caCert, PrivateKey caKey) {
        return nodeCertificate(subjectKey, commonName, uriSan, serial, notBefore, notAfter, caCert, caKey, null);
    }

    /** {@link #nodeCertificate(PublicKey, String, String, BigInteger, Instant, Instant, X509Certificate, PrivateKey)} signed through {@code provider} (a PKCS#11 token's), or the JDK's when null. */
    public static X509Certificate nodeCertificate(PublicKey subjectKey, String commonName, String uriSan,
                                                  BigInteger serial, Instant notBefore, Instant notAfter,
                                                  X509Certificate caCert, PrivateKey caKey, Provider provider) {
        // X500NameBuilder, not new X500Name("CN=" + id): a peer id with a comma must stay one CN
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            byte[] caSki = caCert.getExtensionValue(Extension.subjectKeyIdentifier.getId());
            if (caSki == null) {
                throw new IllegalArgumentException("CA certificate has no subject key identifier");
            }
            SubjectKeyIdentifier ski = SubjectKeyIdentifier.getInstance(JcaX509ExtensionUtils.parseExtensionValue(caSki));
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(caCert, serial,
                    Date.from(notBefore), Date.from(notAfter), subject, subjectKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
                    .addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(ski.getKeyIdentifier()))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(subjectKey))
                    .addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(new GeneralName(GeneralName.uniformResourceIdentifier, uriSan)));
            ContentSigner signer = contentSigner(caKey, provider);
            return toX509(builder.build(signer));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build node certificate: " + e.getMessage(), e);
        }
    }

    /**
     * A PKCS#10 request (PEM) for {@code keys} with subject {@code CN=commonName}: what a hub
     * sends a peer's CA for its own node key. The peer's CA sets the real subject and SAN.
     */
    public static String csr(KeyPair keys, String commonName) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
        try {
            ContentSigner signer = contentSigner(keys.getPrivate());
            byte[] der = new JcaPKCS10CertificationRequestBuilder(subject, keys.getPublic()).build(signer).getEncoded();
            return pem("CERTIFICATE REQUEST", der);
        } catch (IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot build certificate signing request: " + e.getMessage(), e);
        }
    }

    /**
     * A self-signed server+client certificate for the hub's one port. The SANs are whatever
     * names and addresses peers and the CLI may dial; IP literals become iPAddress entries.
     */
    public static X509Certificate selfSigned(KeyPair keys, String commonName, Set<String> sans, Instant notBefore,
                                             Duration validity) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "Entente")
                .addRDN(BCStyle.CN, commonName)
                .build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, serial(),
                    Date.from(notBefore), Date.from(notBefore.plus(validity)), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                            new KeyPurposeId[]{KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.subjectAlternativeName, false, generalNames(sans));
            ContentSigner signer = contentSigner(keys.getPrivate());
            return toX509(builder.build(signer));
        } catch (IOException | OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build hub certificate: " + e.getMessage(), e);
        }
    }

    /** The JDK's own certificate object for what BouncyCastle built, as every caller and JSSE expect. */
    private static X509Certificate toX509(X509CertificateHolder holder) throws IOException, CertificateException {
        return (X509Certificate) X509.get().generateCertificate(new ByteArrayInputStream(holder.getEncoded()));
    }

    private static GeneralNames generalNames(Set<String> sans) {
        List<GeneralName> names = new ArrayList<>();
        for (String san : new LinkedHashSet<>(sans)) {
            if (san == null || san.isBlank() || san.equals("0.0.0.0") || san.equals("::")) {
                continue; // wildcard bind addresses are not names anyone can dial
            }
            names.add(isIpLiteral(san) ? new GeneralName(GeneralName.iPAddress, san) : new GeneralName(GeneralName.dNSName, san));
        }
        return new GeneralNames(names.toArray(GeneralName[]::new));
    }

    static boolean isIpLiteral(String s) {
        if (s.contains(":")) {
            return true;
        }
        return s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
    }

    /** A random positive 128-bit serial (CAs must not issue predictable serials). */
    public static BigInteger serial() {
        return new BigInteger(128, RANDOM).setBit(127);
    }

    /** Ed25519 through {@link Ed25519Signing} (same signatures, several times faster on Java 17); other keys through the JDK. */
    static ContentSigner contentSigner(PrivateKey key) throws OperatorCreationException {
        return contentSigner(key, null);
    }

    /** As {@link #contentSigner(PrivateKey)}, through {@code provider} when given: a key in a PKCS#11 token is a handle only its provider signs with. */
    static ContentSigner contentSigner(PrivateKey key, Provider provider) throws OperatorCreationException {
        if (provider != null) {
            return new JcaContentSignerBuilder(signatureAlgorithm(key)).setProvider(provider).build(key);
        }
        if (Ed25519Signing.isEd25519(key)) {
            return Ed25519Signing.contentSigner(key);
        }
        return new JcaContentSignerBuilder(signatureAlgorithm(key)).build(key);
    }

    static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EdDSA", "Ed25519" -> "Ed25519";
            case "EC" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("unsupported key algorithm " + key.getAlgorithm());
        };
    }

    /** {@link Fingerprints#normalise}; here too because most callers hold certificates anyway. */
    public static String normaliseFingerprint(String field, String text) {
        return Fingerprints.normalise(field, text);
    }

    /** {@link Fingerprints#of}: SHA-256 of the DER encoding, lower-case hex, the fingerprint peers pin. */
    public static String fingerprint(X509Certificate cert) {
        return Fingerprints.of(cert);
    }

    public static String sha256Hex(byte[] data) {
        return Fingerprints.sha256Hex(data);
    }

    public static String toPem(X509Certificate cert) {
        try {
            return pem("CERTIFICATE", cert.getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Every certificate in a PEM bundle, in order. */
    public static List<X509Certificate> parsePem(String pem) {
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (var c : cf.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate bundle: " + e.getMessage(), e);
        }
    }

    public static PrivateKey privateKey(String algorithm, byte[] pkcs8) {
        try {
            return KeyFactory.getInstance(jdkAlgorithm(algorithm)).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a " + algorithm + " PKCS#8 private key", e);
        }
    }

    public static PublicKey publicKey(String algorithm, byte[] spki) {
        try {
            return KeyFactory.getInstance(jdkAlgorithm(algorithm)).generatePublic(new X509EncodedKeySpec(spki));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a " + algorithm + " public key", e);
        }
    }

    private static String jdkAlgorithm(String algorithm) {
        // sealed_keys names EC keys with their curve (EC-P256); the JDK's KeyFactory is just "EC"
        if (algorithm.startsWith("EC-")) {
            return "EC";
        }
        return algorithm.equals("EdDSA") ? "Ed25519" : algorithm;
    }

    /** The subject alternative names of a certificate as plain strings. */
    public static List<String> subjectAltNames(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            var sans = cert.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    out.add(String.valueOf(san.get(1)));
                }
            }
        } catch (CertificateException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** True when {@code host} is a syntactically valid IP literal the JDK accepts. */
    public static boolean isAddress(String host) {
        if (!isIpLiteral(host)) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
