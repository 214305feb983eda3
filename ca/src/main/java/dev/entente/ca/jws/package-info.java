/** Compact JWS, EdDSA only, signed and verified by Nimbus, with the alg allow-list enforced before any signature work. */
package dev.entente.ca.jws;
