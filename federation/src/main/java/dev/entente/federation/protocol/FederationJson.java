package dev.entente.federation.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entente.lifecycle.error.EntenteException;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The protocol's messages to and from JSON, with the one mapper the transport uses. The message
 * records carry their wire names and lenient field readers themselves; this only adds that an
 * answer which is not a JSON object reads as an empty one (every field null, so the protocol code
 * refuses it for its version first) and that a field refused while reading keeps its own code.
 */
public final class FederationJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FederationJson() {
    }

    /** The mapper for the hub-to-hub wire. */
    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** {@code json} as a message of {@code type}; anything but a JSON object reads as {@code {}}. */
    public static <T> T read(JsonNode json, Class<T> type) {
        JsonNode object = json != null && json.isObject() ? json : MAPPER.createObjectNode();
        try {
            return MAPPER.treeToValue(object, type);
        } catch (IOException e) {
            if (e.getCause() instanceof EntenteException refused) {
                throw refused;
            }
            throw new IllegalStateException("a lenient " + type.getSimpleName() + " failed to read", e);
        }
    }

    /** Extension fields of a heartbeat (see {@link Heartbeat#extensions()}) as the record {@code type}. */
    public static <T> T readFields(Map<String, JsonNode> fields, Class<T> type) {
        ObjectNode object = MAPPER.createObjectNode();
        object.setAll(fields);
        return read(object, type);
    }

    /** A record's JSON properties, as fields to carry beside a heartbeat's own. */
    public static Map<String, JsonNode> fields(Object record) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        if (record != null) {
            MAPPER.valueToTree(record).properties().forEach(f -> out.put(f.getKey(), f.getValue()));
        }
        return out;
    }
}
