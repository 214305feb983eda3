package dev.entente.federation.resource;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.Map;

/**
 * A resource this hub exports to peers: {@code kind/name}, placed in an instance and a network
 * (either may be null: then only grants without that restriction see it), with string attributes.
 *
 * <p>As JSON, DESIGN §10's shape: {@code kind, name, instance_id, network_id, attributes} (sorted
 * by name); the row's timestamps stay in the hub.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record Resource(String kind, String name, String instanceId, String networkId,
                       @JsonFormat(with = JsonFormat.Feature.WRITE_SORTED_MAP_ENTRIES) Map<String, String> attributes,
                       @JsonIgnore Instant createdAt, @JsonIgnore Instant updatedAt) {
    public Resource {
        attributes = Map.copyOf(attributes);
    }
}
