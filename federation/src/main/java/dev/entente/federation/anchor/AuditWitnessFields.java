package dev.entente.federation.anchor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.federation.protocol.Lenient;

/** What audit witnessing adds to the answer to a heartbeat: {@code audit_witness}, absent for a heartbeat without a head. */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditWitnessFields(
        @JsonProperty("audit_witness") @JsonDeserialize(using = Lenient.Nested.class) Witness witness) {

    /**
     * The highest head of the sender the answering hub holds, signed by the sender, with the
     * answering hub's countersignature and the key it made it with; or, instead of those, why it
     * refused the head the heartbeat carried.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Witness(
            @JsonProperty("hub_id") @JsonDeserialize(using = Lenient.Text.class) String hubId,
            @JsonProperty("key") @JsonDeserialize(using = Lenient.Text.class) String key,
            @JsonProperty("witnessed") @JsonDeserialize(using = Lenient.Nested.class) SignedHead witnessed,
            @JsonProperty("countersig") @JsonDeserialize(using = Lenient.Text.class) String countersig,
            @JsonProperty("refused") @JsonDeserialize(using = Lenient.Text.class) String refused) {

        static Witness refusal(String hubId, String why) {
            return new Witness(hubId, null, null, null, why);
        }
    }
}
