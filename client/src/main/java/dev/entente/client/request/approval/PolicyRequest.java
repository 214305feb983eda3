package dev.entente.client.request.approval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code PUT /api/v1/approval-policies/{action}}: change an action's policy while the hub runs.
 *
 * @param policy   {@code auto} or {@code require_approval} (required)
 * @param duration how long the change holds (e.g. {@code 30m}); null for good
 * @param reason   why, kept in the audit and shown by {@code policy list}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record PolicyRequest(@JsonProperty("policy") @JsonDeserialize(using = Bodies.RequiredText.class) String policy,
                            @JsonProperty("duration") @JsonDeserialize(using = Bodies.Text.class) String duration,
                            @JsonProperty("reason") @JsonDeserialize(using = Bodies.Text.class) String reason) {
    /** What an absent body reads as. */
    public static final PolicyRequest EMPTY = new PolicyRequest(null, null, null);
}
