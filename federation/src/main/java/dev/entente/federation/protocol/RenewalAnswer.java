package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The renewed node certificate (PEM), issued under the key that signs now. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RenewalAnswer(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("node_cert") @JsonDeserialize(using = Lenient.Text.class) String nodeCert) {
}
