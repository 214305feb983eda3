package dev.entente.federation.protocol;

/**
 * Handshake step 3, accepter to proposer over mTLS ({@code POST /federation/v1/handshake/complete}).
 *
 * @param nodeCert the proposer's node certificate (PEM), issued by the accepter's CA
 * @param caBundle the accepter's CA bundle (PEM)
 */
public record HandshakeComplete(Integer protocolVersion, String nodeCert, String caBundle) {
}
