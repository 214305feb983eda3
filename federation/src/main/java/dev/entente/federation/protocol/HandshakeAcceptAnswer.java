package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * The proposer's answer to step 2.
 *
 * @param nodeCert the accepter's node certificate (PEM), issued by the proposer's federation CA
 * @param caBundle the proposer's CA bundle (PEM)
 * @param csr      a CSR for the proposer's node key, for the accepter's CA to sign
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HandshakeAcceptAnswer(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("hub_id") @JsonDeserialize(using = Lenient.Text.class) String hubId,
        @JsonProperty("name") @JsonDeserialize(using = Lenient.Text.class) String name,
        @JsonProperty("node_cert") @JsonDeserialize(using = Lenient.Text.class) String nodeCert,
        @JsonProperty("ca_bundle") @JsonDeserialize(using = Lenient.Text.class) String caBundle,
        @JsonProperty("csr") @JsonDeserialize(using = Lenient.Text.class) String csr) {
}
