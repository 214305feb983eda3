package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/** The proposer's answer to step 3: the state its peer for the accepter is in now. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record HandshakeCompleteAnswer(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("state") @JsonDeserialize(using = Lenient.Text.class) String state) {
}
