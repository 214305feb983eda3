/** The hub renewing its own TLS certificate, as a scheduled task that backs off while it fails. */
package dev.entente.heartbeat.tls;
