/** The hub's own TLS certificate (self-signed, from the operator's files or from an ACME CA): what is served, its rotation with a grace window, and the listener it is handed to. */
package dev.entente.ca.tls;
