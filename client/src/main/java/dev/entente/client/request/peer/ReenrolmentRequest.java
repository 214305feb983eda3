package dev.entente.client.request.peer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/peers/reenroll}, on the locked-out hub: trade a re-enrolment token for
 * fresh node certificates.
 *
 * @param token the re-enrolment token the other hub's {@code peers reenroll ID} printed (required)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReenrolmentRequest(@JsonProperty("token") @JsonDeserialize(using = Bodies.RequiredText.class) String token) {
    /** What an absent body reads as. */
    public static final ReenrolmentRequest EMPTY = new ReenrolmentRequest(null);
}
