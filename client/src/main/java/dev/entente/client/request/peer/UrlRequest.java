package dev.entente.client.request.peer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/peers/{id}/url}: the URL this hub calls the peer at.
 *
 * @param url the peer hub's public https URL (required)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record UrlRequest(@JsonProperty("url") @JsonDeserialize(using = Bodies.RequiredText.class) String url) {
    /** What an absent body reads as. */
    public static final UrlRequest EMPTY = new UrlRequest(null);
}
