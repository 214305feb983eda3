package dev.entente.federation.protocol;

/**
 * The proposer's answer to step 2.
 *
 * @param nodeCert the accepter's node certificate (PEM), issued by the proposer's federation CA
 * @param caBundle the proposer's CA bundle (PEM)
 * @param csr      a CSR for the proposer's node key, for the accepter's CA to sign
 */
public record HandshakeAcceptAnswer(Integer protocolVersion, String hubId, String name, String nodeCert, String caBundle,
                                    String csr) {
}
