package dev.entente.client.request.keys;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/keys/rotate}.
 *
 * @param type token-signing or audit-hmac
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RotateKeysRequest(@JsonProperty("type") @JsonDeserialize(using = Bodies.Text.class) String type) {
}
