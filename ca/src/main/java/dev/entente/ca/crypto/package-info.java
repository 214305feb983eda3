/** Primitives for keys at rest (Argon2id key derivation, AES-256-GCM): the only package that imports BouncyCastle. */
package dev.entente.ca.crypto;
