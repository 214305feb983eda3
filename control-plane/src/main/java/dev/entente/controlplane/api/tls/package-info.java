/** The TLS info endpoint. */
package dev.entente.controlplane.api.tls;
