package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** A CSR for a new node key, sent over mTLS under the certificate it supersedes ({@code POST /federation/v1/renew}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RenewalRequest(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("csr") @JsonDeserialize(using = Lenient.Text.class) String csr) {
}
