/** The hub's own TLS certificate and its rotation with a grace window. */
package dev.entente.ca.tls;
