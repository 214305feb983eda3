package dev.entente.federation.protocol;

/**
 * Handshake step 2, accepter to proposer ({@code POST /federation/v1/handshake/accept}). Fields
 * may be null as received; the proposer checks them in protocol order.
 *
 * @param token          the acceptance token the proposer minted
 * @param hubId          the accepter's hub id
 * @param name           the accepter's hub name (a suggestion for the peer's name)
 * @param url            the accepter's public https URL
 * @param tlsFingerprint the SHA-256 fingerprint of the accepter's TLS certificate, pinned by the proposer
 * @param csr            the PEM CSR for the accepter's node key
 */
public record HandshakeAccept(Integer protocolVersion, String token, String hubId, String name, String url,
                              String tlsFingerprint, String csr) {
}
