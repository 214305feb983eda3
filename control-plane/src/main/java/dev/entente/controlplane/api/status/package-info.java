/** The hub status endpoint. */
package dev.entente.controlplane.api.status;
