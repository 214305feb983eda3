package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer to a heartbeat: the peer's own heartbeat, and whether the caller should renew the
 * node certificate it presented. On the wire it is that heartbeat with one more field,
 * {@code renew} (true only when it is JSON {@code true}).
 */
public record HeartbeatAnswer(Heartbeat heartbeat, boolean renew) {
    private static final String RENEW = "renew";

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static HeartbeatAnswer fromJson(Heartbeat json) {
        Map<String, JsonNode> extensions = new LinkedHashMap<>(json.extensions());
        JsonNode renew = extensions.remove(RENEW);
        return new HeartbeatAnswer(new Heartbeat(json.protocolVersion(), json.hubId(), json.clock(), json.tlsFingerprints(),
                json.caPhase(), extensions), renew != null && renew.isBoolean() && renew.booleanValue());
    }

    @JsonValue
    Heartbeat toJson() {
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        fields.put(RENEW, BooleanNode.valueOf(renew));
        fields.putAll(heartbeat.extensions());
        return new Heartbeat(heartbeat.protocolVersion(), heartbeat.hubId(), heartbeat.clock(), heartbeat.tlsFingerprints(),
                heartbeat.caPhase(), fields);
    }
}
