package dev.entente.federation.approval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * One action's approval policy as {@code approvals policy list} shows it.
 *
 * @param action     the action, e.g. {@code peer.revoke}
 * @param policy     the policy in force: {@code auto} or {@code require_approval}
 * @param source     {@code config} (no operator setting in force) or {@code database}
 * @param configured what configuration says, the value a temporary setting falls back to when it replaced configuration
 * @param setBy      who set the policy in force; null when it comes from configuration
 * @param reason     why they set it
 * @param setAt      when (RFC 3339)
 * @param until      when a temporary setting ends by itself (RFC 3339); null when it lasts
 * @param lowered    whether the policy in force runs at once what configuration sends to a second operator (doctor DR024)
 */
@JsonPropertyOrder({"action", "policy", "source", "configured", "set_by", "reason", "set_at", "until", "lowered"})
public record ApprovalPolicy(@JsonProperty("action") String action, @JsonProperty("policy") String policy,
                             @JsonProperty("source") String source, @JsonProperty("configured") String configured,
                             @JsonProperty("set_by") String setBy, @JsonProperty("reason") String reason,
                             @JsonProperty("set_at") String setAt, @JsonProperty("until") String until,
                             @JsonProperty("lowered") boolean lowered) {
}
