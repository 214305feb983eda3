/** The federation protocol as this hub runs it: handshake on both sides, heartbeats, renewal, peer authentication. */
package dev.entente.controlplane.federation;
