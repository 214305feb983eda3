package dev.entente.client.request.peer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/peers/{id}/repin}: pin another certificate of the peer.
 *
 * @param fingerprint SHA-256 of the peer's certificate, 64 hex digits, colons allowed (required)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RepinRequest(
        @JsonProperty("fingerprint") @JsonDeserialize(using = Bodies.RequiredText.class) String fingerprint) {
    /** What an absent body reads as. */
    public static final RepinRequest EMPTY = new RepinRequest(null);
}
