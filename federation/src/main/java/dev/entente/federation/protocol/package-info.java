/** The federation protocol between hubs as typed messages that are their own JSON, and the {@link dev.entente.federation.protocol.PeerTransport} that carries them. */
package dev.entente.federation.protocol;
