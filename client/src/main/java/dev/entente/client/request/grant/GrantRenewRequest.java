package dev.entente.client.request.grant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/grants/{id}/renew}: a new term from now.
 *
 * @param expiresIn the new term (required)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GrantRenewRequest(@JsonProperty("expires_in") @JsonDeserialize(using = Bodies.RequiredText.class) String expiresIn) {
    /** What an absent body reads as. */
    public static final GrantRenewRequest EMPTY = new GrantRenewRequest(null);
}
