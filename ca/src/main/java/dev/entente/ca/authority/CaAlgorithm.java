package dev.entente.ca.authority;

import dev.entente.ca.crypto.Certificates;

import java.security.KeyPair;

/**
 * The key type of a federation CA. The configured value applies to keys created from then on
 * (the first CA key, and the new key of each rotation); an existing key keeps its type, so
 * switching the configuration is itself rolled out by a rotation.
 */
public enum CaAlgorithm {
    /** Ed25519: the default; small keys and signatures, fastest to sign with the JDK's SunEC. */
    ED25519("Ed25519"),
    /** ECDSA on NIST P-256 with SHA-256: for peers whose TLS stack cannot verify Ed25519 chains. */
    ECDSA_P256("EC-P256");

    private final String storedName;

    CaAlgorithm(String storedName) {
        this.storedName = storedName;
    }

    /** The {@code sealed_keys.algorithm} value, also what {@code Certificates.privateKey} reads. */
    public String storedName() {
        return storedName;
    }

    KeyPair generate() {
        return switch (this) {
            case ED25519 -> Certificates.ed25519();
            case ECDSA_P256 -> Certificates.ecP256();
        };
    }
}
