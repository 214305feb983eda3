package dev.entente.client.request.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/worker/pause}: which job (null: every job), for how long (null: until
 * resumed) and why.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PauseRequest(@JsonProperty("job") @JsonDeserialize(using = Bodies.Text.class) String job,
                           @JsonProperty("duration") @JsonDeserialize(using = Bodies.Text.class) String duration,
                           @JsonProperty("reason") @JsonDeserialize(using = Bodies.Text.class) String reason) {
    /** What an absent body reads as. */
    public static final PauseRequest EMPTY = new PauseRequest(null, null, null);
}
