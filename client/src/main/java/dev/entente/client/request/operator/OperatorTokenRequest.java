package dev.entente.client.request.operator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/operators/tokens}: mint an operator token. The minting chain is the hub's
 * to fill in from the minter's own token, so a request cannot name one.
 *
 * @param subject   who the token is for
 * @param role      admin, operator, approver or viewer
 * @param expiresIn lifetime; null for the default
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record OperatorTokenRequest(@JsonProperty("subject") @JsonDeserialize(using = Bodies.Text.class) String subject,
                                   @JsonProperty("role") @JsonDeserialize(using = Bodies.Text.class) String role,
                                   @JsonProperty("expires_in") @JsonDeserialize(using = Bodies.Text.class) String expiresIn) {
}
