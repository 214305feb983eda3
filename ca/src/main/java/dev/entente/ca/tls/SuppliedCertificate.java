package dev.entente.ca.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.crypto.PemKeys;

import java.net.InetAddress;
import java.security.PrivateKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;

/**
 * A hub TLS certificate the hub did not make: from the operator's files ({@code entente.tls.mode:
 * custom}) or from an ACME CA. Made only through {@link #of}, which refuses what the hub cannot
 * serve, so whatever holds one can stage it ({@link HubTlsCertificates#stageSupplied}).
 *
 * @param chain      the certificate first, then its intermediates, as the files list them
 * @param privateKey the certificate's key
 * @param algorithm  the key's algorithm as {@code sealed_keys} names it
 */
public record SuppliedCertificate(List<X509Certificate> chain, PrivateKey privateKey, String algorithm) {
    public SuppliedCertificate {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    public String fingerprint() {
        return Certificates.fingerprint(leaf());
    }

    /**
     * Checks a certificate chain and key for serving as {@code hubName}: a chain, a key the hub can
     * sign TLS 1.3 handshakes with ({@link PemKeys}), the two belonging together, and the name among
     * the certificate's subject alternative names.
     *
     * @param chainPem the certificate then its intermediates, PEM
     * @param keyPem   the private key, PEM
     * @throws IllegalArgumentException saying which of these fails; the caller names the file
     */
    public static SuppliedCertificate of(String chainPem, String keyPem, String hubName) {
        List<X509Certificate> chain;
        try {
            chain = Certificates.parsePem(chainPem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("certificate: no PEM certificate in it (expected BEGIN CERTIFICATE)");
        }
        PemKeys.ParsedKey key;
        try {
            key = PemKeys.parse(keyPem);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("key: " + e.getMessage(), e);
        }
        X509Certificate leaf = chain.get(0);
        if (!PemKeys.matches(key.key(), leaf.getPublicKey())) {
            throw new IllegalArgumentException("key: it does not belong to the certificate " + Certificates.fingerprint(leaf)
                    + " (" + leaf.getSubjectX500Principal().getName() + "); the first certificate in the file must be the one issued for this key");
        }
        if (!covers(leaf, hubName)) {
            throw new IllegalArgumentException("certificate: its subject alternative names " + Certificates.subjectAltNames(leaf)
                    + " do not include the hub's name " + hubName + " (entente.hub.name)");
        }
        return new SuppliedCertificate(chain, key.key(), key.algorithm());
    }

    /** Whether {@code cert} names {@code host} among its DNS or IP subject alternative names (one wildcard label allowed). */
    public static boolean covers(X509Certificate cert, String host) {
        String wanted = host.toLowerCase(Locale.ROOT);
        try {
            var sans = cert.getSubjectAlternativeNames();
            if (sans == null) {
                return false;
            }
            for (List<?> san : sans) {
                int type = (Integer) san.get(0);
                String value = String.valueOf(san.get(1)).toLowerCase(Locale.ROOT);
                if (type == 2 && (value.equals(wanted) || wildcardMatches(value, wanted))) {
                    return true;
                }
                if (type == 7 && Certificates.isAddress(wanted) && sameAddress(value, wanted)) {
                    return true;
                }
            }
            return false;
        } catch (CertificateParsingException e) {
            return false;
        }
    }

    private static boolean wildcardMatches(String pattern, String host) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }

    private static boolean sameAddress(String a, String b) {
        try {
            return InetAddress.getByName(a).equals(InetAddress.getByName(b));
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
