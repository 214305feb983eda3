package dev.entente.client.request.remote;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

/**
 * {@code POST /api/v1/remote/resources}: list a peer's resources under a grant it issued.
 *
 * @param peer     the peer, by id or name (required)
 * @param grant    the {@code fg-...} token the peer issued (required)
 * @param instance sent as {@code Federation-Instance-Id}, or null
 * @param network  sent as {@code Federation-Network-Id}, or null
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RemoteResourcesRequest(@JsonProperty("peer") @JsonDeserialize(using = Bodies.RequiredText.class) String peer,
                                     @JsonProperty("grant") @JsonDeserialize(using = Bodies.RequiredText.class) String grant,
                                     @JsonProperty("instance") @JsonDeserialize(using = Bodies.Text.class) String instance,
                                     @JsonProperty("network") @JsonDeserialize(using = Bodies.Text.class) String network) {
    /** What an absent body reads as. */
    public static final RemoteResourcesRequest EMPTY = new RemoteResourcesRequest(null, null, null, null);
}
