package dev.entente.client.request.ca;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.client.request.Bodies;
import dev.entente.federation.protocol.Lenient;

/**
 * The body of {@code POST /api/v1/ca/rotate/{move}}. The type and phase are read as whatever text
 * was sent, so that a wrong one is refused naming it and the values allowed.
 *
 * @param type          the CA type; null means federation, the only one
 * @param force         advance out of update_clients despite laggards; only JSON {@code true} sets it
 * @param expectedPhase the phase the caller saw and means to leave
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RotationRequest(@JsonProperty("type") @JsonDeserialize(using = Bodies.Name.class) String type,
                              @JsonProperty("force") @JsonDeserialize(using = Lenient.Flag.class) boolean force,
                              @JsonProperty("expected_phase") @JsonDeserialize(using = Bodies.Name.class) String expectedPhase) {
    /** What an absent body reads as. */
    public static final RotationRequest EMPTY = new RotationRequest(null, false, null);
}
