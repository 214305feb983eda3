package dev.entente.federation.command;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.entente.federation.resource.ResourceRepository;

import java.util.Map;

/**
 * {@code resources put KIND/NAME}: create or replace a resource this hub exports to its peers.
 *
 * @param kind       e.g. {@code service}
 * @param name       e.g. {@code web-1}
 * @param instanceId the instance it belongs to, or null
 * @param networkId  the network it belongs to, or null
 * @param attributes free-form string attributes (empty when none)
 */
public record PutResource(String kind, String name, @JsonProperty("instance_id") String instanceId,
                          @JsonProperty("network_id") String networkId, Map<String, String> attributes)
        implements OperatorCommand {
    public static final String ACTION = "resource.put";

    public PutResource {
        ResourceRepository.validate(kind, name);
        ResourceRepository.placement("instance", instanceId);
        ResourceRepository.placement("network", networkId);
        attributes = attributes == null ? Map.of() : Map.copyOf(attributes);
        ResourceRepository.attributes(attributes);
    }

    @Override
    public String action() {
        return ACTION;
    }

    @Override
    public <R> R dispatch(Handler<R> handler) {
        return handler.putResource(this);
    }
}
