/** Peers and the handshake protocol, grants and scope evaluation, exported resources. */
package dev.entente.federation;
