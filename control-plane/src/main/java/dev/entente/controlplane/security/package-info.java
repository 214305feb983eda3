/** Operator tokens (EdDSA JWT with an alg allow-list), roles and permissions. */
package dev.entente.controlplane.security;
