package dev.entente.federation.protocol;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One hub's heartbeat ({@code POST /federation/v1/heartbeat}, and the same fields in the answer).
 *
 * @param clock           the sender's clock (RFC 3339) when it built the message, or anything
 *                        else as received (then the skew is unknown)
 * @param tlsFingerprints the TLS fingerprints the sender serves (the current certificate and any in grace)
 * @param caPhase         the sender's CA rotation phase
 * @param extensions      the other fields, carried beside the ones above as they are: each
 *                        {@code HeartbeatExtension} reads and writes its own as a record (the
 *                        audit head a peer witnesses); JSON because a newer peer may send fields
 *                        no extension of this hub knows
 */
public record Heartbeat(
        @JsonProperty("protocol_version") @JsonDeserialize(using = Lenient.WholeNumber.class) Integer protocolVersion,
        @JsonProperty("hub_id") @JsonDeserialize(using = Lenient.Text.class) String hubId,
        @JsonProperty("clock") @JsonDeserialize(using = Lenient.Text.class) String clock,
        @JsonProperty("tls_fingerprints") @JsonDeserialize(using = Lenient.TextList.class) List<String> tlsFingerprints,
        @JsonProperty("ca_phase") @JsonDeserialize(using = Lenient.StrictText.class) String caPhase,
        @JsonAnySetter @JsonAnyGetter Map<String, JsonNode> extensions) {
    public Heartbeat {
        tlsFingerprints = tlsFingerprints == null ? List.of() : List.copyOf(tlsFingerprints);
        extensions = extensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extensions));
    }
}
