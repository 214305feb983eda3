package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

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
@JsonIgnoreProperties(ignoreUnknown = true)
public record HandshakeAccept(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("token") @JsonDeserialize(using = Lenient.Text.class) String token,
        @JsonProperty("hub_id") @JsonDeserialize(using = Lenient.Text.class) String hubId,
        @JsonProperty("name") @JsonDeserialize(using = Lenient.Text.class) String name,
        @JsonProperty("url") @JsonDeserialize(using = Lenient.Text.class) String url,
        @JsonProperty("tls_fingerprint") @JsonDeserialize(using = Lenient.Text.class) String tlsFingerprint,
        @JsonProperty("csr") @JsonDeserialize(using = Lenient.Text.class) String csr) {
}
