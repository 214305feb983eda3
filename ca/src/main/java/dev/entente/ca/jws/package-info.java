/** Compact JWS, EdDSA only, with the alg allow-list enforced before any signature work. */
package dev.entente.ca.jws;
