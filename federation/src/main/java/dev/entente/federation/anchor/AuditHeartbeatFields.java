package dev.entente.federation.anchor;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import dev.entente.federation.protocol.Lenient;

/**
 * What audit witnessing adds to a heartbeat (issue 11): the sender's signed head, when its
 * database was last restored from a backup, and the continuity proof for the head the peer
 * last witnessed. A hub older than issue 11 sends none of them.
 *
 * @param restoredAt RFC 3339, or anything else as received (then no restore is known)
 * @param continuity absent until the peer has witnessed a head of the sender
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AuditHeartbeatFields(
        @JsonProperty("audit_head") @JsonDeserialize(using = Lenient.Nested.class) SignedHead head,
        @JsonProperty("audit_restored_at") @JsonDeserialize(using = Lenient.Text.class) String restoredAt,
        @JsonProperty("audit_continuity") @JsonDeserialize(using = Lenient.Nested.class) Continuity continuity) {

    /**
     * The HMAC the sender's chain holds at the seq the peer last witnessed: proof that the chain
     * still holds that event. {@code hmac} is null (and sent as null) when the chain no longer has the event.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Continuity(
            @JsonProperty("seq") @JsonDeserialize(using = Lenient.Count.class) Long seq,
            @JsonProperty("hmac") @JsonDeserialize(using = Lenient.Text.class) String hmac) {
    }
}
