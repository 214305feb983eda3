package dev.entente.client.request;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

/**
 * The body of a move that records why it was made: suspend or revoke a peer, revoke a grant,
 * reject an approval. Whether a reason is required is the command's rule.
 *
 * @param reason why, in the operator's words; null when absent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ReasonRequest(@JsonProperty("reason") @JsonDeserialize(using = Bodies.Text.class) String reason) {
    /** What an absent body reads as. */
    public static final ReasonRequest EMPTY = new ReasonRequest(null);
}
