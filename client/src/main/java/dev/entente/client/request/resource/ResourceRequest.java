package dev.entente.client.request.resource;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;

import java.util.Map;

/**
 * The body of {@code PUT .../resources/{kind}/{name}}, on the admin API and on the federation API
 * (a peer's write grant).
 *
 * @param instanceId the instance the resource belongs to, or null
 * @param networkId  the network it belongs to, or null
 * @param attributes free-form string attributes; empty when absent
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ResourceRequest(
        @JsonProperty("instance_id") @JsonDeserialize(using = Bodies.Text.class) String instanceId,
        @JsonProperty("network_id") @JsonDeserialize(using = Bodies.Text.class) String networkId,
        @JsonProperty("attributes") @JsonDeserialize(using = Bodies.Attributes.class) Map<String, String> attributes) {
    /** What an absent body reads as. */
    public static final ResourceRequest EMPTY = new ResourceRequest(null, null, null);

    public ResourceRequest {
        attributes = attributes == null ? Map.of() : attributes;
    }
}
