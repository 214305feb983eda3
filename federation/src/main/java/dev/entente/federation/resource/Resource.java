package dev.entente.federation.resource;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A resource this hub exports to peers: {@code kind/name}, placed in an instance and a network
 * (either may be null: then only grants without that restriction see it), with string attributes.
 */
public record Resource(String kind, String name, String instanceId, String networkId, Map<String, String> attributes,
                       Instant createdAt, Instant updatedAt) {
    public Resource {
        attributes = Map.copyOf(attributes);
    }

    /** DESIGN §10's shape: {@code kind, name, instance_id, network_id, attributes}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("kind", kind);
        m.put("name", name);
        m.put("instance_id", instanceId);
        m.put("network_id", networkId);
        m.put("attributes", new java.util.TreeMap<>(attributes));
        return m;
    }
}
