package dev.entente.client.request.peer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/peers}: propose a peer.
 *
 * @param name the other hub's name on this hub (required)
 * @param ttl  the acceptance token's lifetime; null for the hub's default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ProposeRequest(@JsonProperty("name") @JsonDeserialize(using = Bodies.RequiredText.class) String name,
                             @JsonProperty("ttl") @JsonDeserialize(using = Bodies.Text.class) String ttl) {
    /** What an absent body reads as. */
    public static final ProposeRequest EMPTY = new ProposeRequest(null, null);
}
