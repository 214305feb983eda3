/** The federation protocol between hubs as typed messages, and the {@link dev.entente.federation.protocol.PeerTransport} that carries them. */
package dev.entente.federation.protocol;
