package dev.entente.federation.protocol;

/** A CSR for a new node key, sent over mTLS under the certificate it supersedes ({@code POST /federation/v1/renew}). */
public record RenewalRequest(Integer protocolVersion, String csr) {
}
