/** The hub's own TLS certificate (self-signed, from the operator's files or from an ACME CA) and its rotation with a grace window. */
package dev.entente.ca.tls;
