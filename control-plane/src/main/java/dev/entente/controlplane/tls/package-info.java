/** The HTTPS listener's TLS: serving what {@code ca.tls} decides (key, ACME challenge, client-certificate request) without a restart, and SIGHUP. */
package dev.entente.controlplane.tls;
