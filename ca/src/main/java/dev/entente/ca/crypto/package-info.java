/** Cryptographic primitives (Argon2id, AES-256-GCM, key pairs, X.509 certificates and PKCS#10 requests): the only package that imports BouncyCastle. */
package dev.entente.ca.crypto;
