/** Serving TLS 1.3 from sealed keys, self-signed, from the operator's files or from an ACME CA, reloadable without a restart. */
package dev.entente.controlplane.tls;
