package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * Handshake step 3, accepter to proposer over mTLS ({@code POST /federation/v1/handshake/complete}).
 *
 * @param nodeCert the proposer's node certificate (PEM), issued by the accepter's CA
 * @param caBundle the accepter's CA bundle (PEM)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HandshakeComplete(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("node_cert") @JsonDeserialize(using = Lenient.Text.class) String nodeCert,
        @JsonProperty("ca_bundle") @JsonDeserialize(using = Lenient.Text.class) String caBundle) {
}
