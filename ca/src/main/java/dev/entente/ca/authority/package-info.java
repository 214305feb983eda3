/** The federation certificate authority: CA keys and their rotation moves, the CSR policy, node certificate issuance and records, and the trust bundle the mTLS layer checks client certificates against. */
package dev.entente.ca.authority;
