package dev.entente.federation.access;

import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.federation.peer.Peer;

/** The calling peer and the node certificate it used. */
public record FederationCaller(Peer peer, IssuedCertificate certificate) {
}
