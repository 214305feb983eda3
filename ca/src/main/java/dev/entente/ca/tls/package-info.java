/** The hub's own TLS certificate (self-signed, from the operator's files or from an ACME CA): what is served, its rotation with a grace window, and the listener it is handed to; and the TLS 1.3 client side with a pinned certificate that the CLI and the hub share. */
package dev.entente.ca.tls;
