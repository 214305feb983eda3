package dev.entente.federation.protocol;

/** The renewed node certificate (PEM), issued under the key that signs now. */
public record RenewalAnswer(Integer protocolVersion, String nodeCert) {
}
