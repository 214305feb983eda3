/** The key vault: a passphrase-derived key that seals every private key the hub stores, and the keyrings built on it. */
package dev.entente.ca.vault;
