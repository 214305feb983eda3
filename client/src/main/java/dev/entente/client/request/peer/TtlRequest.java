package dev.entente.client.request.peer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * The body of a route that mints a token for a peer: a new acceptance token, a re-enrolment token.
 *
 * @param ttl the token's lifetime; null for the route's default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TtlRequest(@JsonProperty("ttl") @JsonDeserialize(using = Bodies.Text.class) String ttl) {
    /** What an absent body reads as. */
    public static final TtlRequest EMPTY = new TtlRequest(null);
}
