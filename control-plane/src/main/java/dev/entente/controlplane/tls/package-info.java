/** Serving TLS 1.3 from sealed keys, reloadable without a restart. */
package dev.entente.controlplane.tls;
