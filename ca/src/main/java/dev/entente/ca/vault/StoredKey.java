package dev.entente.ca.vault;

import java.time.Instant;

/**
 * One row of {@code sealed_keys} with its secret already opened: what a keyring or the TLS/JWT
 * setup works with. {@link #toString()} leaves the secret out so a logged key never leaks.
 *
 * @param id             stable key id, also the AAD its secret is sealed with
 * @param purpose        {@code tls}, {@code jwt}, {@code audit_hmac}, ...
 * @param status         {@code active}, {@code grace} or {@code retired}
 * @param algorithm      e.g. {@code Ed25519}, {@code EC-P256}, {@code HmacSHA256}
 * @param publicKey      X.509 SubjectPublicKeyInfo DER, or {@code null} for symmetric keys
 * @param certificatePem the certificate chain in PEM, or {@code null}
 * @param fingerprint    e.g. the certificate's SHA-256, or {@code null}
 * @param secret         the opened plaintext: PKCS#8 DER or a raw symmetric key; {@code null} for a key held by a
 *                       PKCS#11 token
 * @param notAfter       when the key or its certificate expires, or {@code null}
 * @param createdAt      when the row was written
 * @param retiredAt      when it was retired, or {@code null}
 * @param store          {@value SealedKeyStore#SEALED} or {@value Pkcs11Token#STORE} (the private key is in the token)
 */
public record StoredKey(String id, String purpose, String status, String algorithm, byte[] publicKey,
                        String certificatePem, String fingerprint, byte[] secret, Instant notAfter,
                        Instant createdAt, Instant retiredAt, String store) {

    /** Whether the private key is in a PKCS#11 token, under the alias {@link #id()}, rather than sealed here. */
    public boolean inToken() {
        return Pkcs11Token.STORE.equals(store);
    }

    @Override
    public String toString() {
        return "StoredKey[id=" + id + ", purpose=" + purpose + ", status=" + status + ", algorithm=" + algorithm
                + ", fingerprint=" + fingerprint + ", notAfter=" + notAfter + ", createdAt=" + createdAt
                + ", retiredAt=" + retiredAt + ", store=" + store + ", secret=<redacted>]";
    }
}
