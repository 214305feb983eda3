/**
 * Operators through Micronaut Security: EdDSA tokens over Nimbus with an alg allow-list, roles and
 * permissions, and the route rules that say which permission each route needs.
 */
package dev.entente.controlplane.security;
