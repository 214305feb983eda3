package dev.entente.federation.protocol;

/**
 * Re-enrolment, locked-out hub to the hub that issued its dead node certificate
 * ({@code POST /federation/v1/reenroll}), over TLS pinned by the token and with the dead node
 * certificate as the client certificate. The answer is a {@link HandshakeAcceptAnswer}: the new
 * node certificate, the CA bundle and a CSR for the answering hub's node key. Fields may be null
 * as received.
 *
 * @param token          the one-time re-enrolment token the other hub's operator minted
 * @param hubId          the locked-out hub's id, which the token is bound to
 * @param tlsFingerprint the SHA-256 fingerprint of the TLS certificate the locked-out hub serves now
 * @param csr            the PEM CSR for the locked-out hub's new node key
 */
public record ReenrolRequest(Integer protocolVersion, String token, String hubId, String tlsFingerprint, String csr) {
}
