package dev.entente.client.request.grant;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

import java.util.List;

/**
 * {@code POST /api/v1/grants/{id}/update}: what changes; an absent field stays as it is, an
 * empty list lifts that restriction.
 *
 * @param scopes      {@code read} and/or {@code write}
 * @param instances   allowed instances
 * @param networks    allowed networks
 * @param cidrs       allowed source CIDRs
 * @param expiresIn   a new term from now
 * @param autoRenew   auto-renewal on or off
 * @param maxLifetime how far renewals may extend it
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record GrantUpdateRequest(@JsonProperty("scopes") @JsonDeserialize(using = Bodies.Strings.class) List<String> scopes,
                                 @JsonProperty("instances") @JsonDeserialize(using = Bodies.Strings.class) List<String> instances,
                                 @JsonProperty("networks") @JsonDeserialize(using = Bodies.Strings.class) List<String> networks,
                                 @JsonProperty("cidrs") @JsonDeserialize(using = Bodies.Strings.class) List<String> cidrs,
                                 @JsonProperty("expires_in") @JsonDeserialize(using = Bodies.Text.class) String expiresIn,
                                 @JsonProperty("auto_renew") @JsonDeserialize(using = Bodies.Bool.class) Boolean autoRenew,
                                 @JsonProperty("max_lifetime") @JsonDeserialize(using = Bodies.Text.class) String maxLifetime) {
    /** What an absent body reads as: nothing changes (and the command refuses an empty update). */
    public static final GrantUpdateRequest EMPTY = new GrantUpdateRequest(null, null, null, null, null, null, null);
}
