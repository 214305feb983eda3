package dev.entente.federation.token;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.federation.protocol.Lenient;

/**
 * {@code POST /api/v1/tokens/decode}: the token travels in the body, not the URL, which access
 * logs keep.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DecodeRequest(@JsonProperty("token") @JsonDeserialize(using = Lenient.StrictText.class) String token) {
    // The token is a credential: it stays out of logs and exception messages.
    @Override
    public String toString() {
        return "DecodeRequest[token=(redacted)]";
    }
}
