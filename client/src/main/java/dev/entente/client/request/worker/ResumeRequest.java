package dev.entente.client.request.worker;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/worker/resume}: which job's own pause ends.
 *
 * @param job a job name; null ends every pause
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResumeRequest(@JsonProperty("job") @JsonDeserialize(using = Bodies.Text.class) String job) {
    /** What an absent body reads as. */
    public static final ResumeRequest EMPTY = new ResumeRequest(null);
}
