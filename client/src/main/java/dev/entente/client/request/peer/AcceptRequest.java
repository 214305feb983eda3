package dev.entente.client.request.peer;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/peers/accept}: accept another hub's proposal.
 *
 * @param token the acceptance token the proposing hub printed (required)
 * @param name  the peer's name on this hub; null to take the proposer's own
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AcceptRequest(@JsonProperty("token") @JsonDeserialize(using = Bodies.RequiredText.class) String token,
                            @JsonProperty("name") @JsonDeserialize(using = Bodies.Text.class) String name) {
    /** What an absent body reads as. */
    public static final AcceptRequest EMPTY = new AcceptRequest(null, null);
}
