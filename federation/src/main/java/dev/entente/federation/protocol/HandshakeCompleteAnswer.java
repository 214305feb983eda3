package dev.entente.federation.protocol;

/** The proposer's answer to step 3: the state its peer for the accepter is in now. */
public record HandshakeCompleteAnswer(Integer protocolVersion, String state) {
}
