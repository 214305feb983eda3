package dev.entente.ca.authority;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.Pkcs11Token;
import dev.entente.ca.vault.SealedKeyStore;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * One federation CA key: its sealed-key id, its self-signed CA certificate and (inside this
 * package only) its private key, or a handle to it in a PKCS#11 token. Immutable: which role a key plays in a rotation is held by
 * {@link CaKeys}, read from the database, never by the key itself.
 */
public final class CaKey {
    /** CA certificates live ten years; node certificates are clamped to end before it. */
    public static final Duration VALIDITY = Duration.ofDays(3650);
    /** Backdating of notBefore, so a peer whose clock runs a little slow accepts new certificates. */
    static final Duration BACKDATE = Certificates.BACKDATE;

    private final String id;
    private final String algorithm;
    private final X509Certificate certificate;
    private final PrivateKey privateKey;
    private final Pkcs11Token token;
    private final String fingerprint;

    private CaKey(String id, String algorithm, X509Certificate certificate, PrivateKey privateKey, Pkcs11Token token) {
        this.id = Objects.requireNonNull(id);
        this.algorithm = Objects.requireNonNull(algorithm);
        this.certificate = Objects.requireNonNull(certificate);
        this.privateKey = Objects.requireNonNull(privateKey);
        this.token = token;
        this.fingerprint = Certificates.fingerprint(certificate);
    }

    /** Wraps an existing certificate and its private key (e.g. read back from the key vault). */
    public static CaKey of(String id, String algorithm, X509Certificate certificate, PrivateKey privateKey) {
        return new CaKey(id, algorithm, certificate, privateKey, null);
    }

    /** Wraps a certificate and the handle of its private key in {@code token}. */
    public static CaKey inToken(String id, X509Certificate certificate, PrivateKey handle, Pkcs11Token token) {
        return new CaKey(id, Pkcs11Token.ALGORITHM, certificate, handle, Objects.requireNonNull(token));
    }

    /**
     * A new ECDSA P-256 key generated inside {@code token} and filed there under {@code id}, with
     * its self-signed CA certificate (signed in the token) as for {@link #generate}.
     */
    public static CaKey generateInToken(String id, Pkcs11Token token, String hubId, Instant now) {
        var keys = token.generate();
        X509Certificate cert = Certificates.caCertificate(keys, token.provider(), commonName(hubId), now.minus(BACKDATE),
                VALIDITY);
        token.file(id, keys.getPrivate(), cert);
        return new CaKey(id, Pkcs11Token.ALGORITHM, cert, keys.getPrivate(), token);
    }

    /**
     * A new key of {@code algorithm} with its self-signed certificate,
     * subject {@code CN=<hubId> federation CA, O=Entente}, valid from {@code now - 60s} for ten years.
     */
    public static CaKey generate(String id, CaAlgorithm algorithm, String hubId, Instant now) {
        var keys = algorithm.generate();
        X509Certificate cert = Certificates.caCertificate(keys, commonName(hubId), now.minus(BACKDATE), VALIDITY);
        return new CaKey(id, algorithm.storedName(), cert, keys.getPrivate(), null);
    }

    /** The CA certificate's common name for a hub. */
    public static String commonName(String hubId) {
        return hubId + " federation CA";
    }

    /** The {@code sealed_keys.id} of this key. */
    public String id() {
        return id;
    }

    /** The {@code sealed_keys.algorithm}: {@code Ed25519} or {@code EC-P256}. */
    public String algorithm() {
        return algorithm;
    }

    /** The self-signed CA certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** SHA-256 of the CA certificate's DER, lower-case hex: the {@code signer_fingerprint} of what it issues. */
    public String fingerprint() {
        return fingerprint;
    }

    /** When the CA certificate expires. */
    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** When the CA certificate starts being valid. */
    public Instant notBefore() {
        return certificate.getNotBefore().toInstant();
    }

    /** Package-private on purpose: only the signer in this package touches the private key. */
    PrivateKey privateKey() {
        return privateKey;
    }

    /** The PKCS#11 token holding the private key, or null when it is sealed in the database. */
    public Pkcs11Token token() {
        return token;
    }

    /** Where the private key lives: {@code sealed}, or {@code pkcs11:<label>}. */
    public String where() {
        return token == null ? SealedKeyStore.SEALED : token.where();
    }

    /** The provider signatures with this key go through: the token's, or null for the JDK's. */
    Provider provider() {
        return token == null ? null : token.provider();
    }

    @Override
    public String toString() {
        return "CaKey[id=" + id + ", algorithm=" + algorithm + ", fingerprint=" + fingerprint + "]";
    }
}
