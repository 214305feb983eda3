/** The hub's own TLS certificate (self-signed, from the operator's files or from an ACME CA) and its rotation with a grace window; the TLS 1.3 client side with a pinned certificate that the CLI and the hub share. */
package dev.entente.ca.tls;
