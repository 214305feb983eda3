/** The hub-to-hub federation API: handshake, heartbeats, renewal. */
package dev.entente.controlplane.api.federation;
