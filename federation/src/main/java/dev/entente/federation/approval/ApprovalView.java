package dev.entente.federation.approval;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * An approval request as {@code approvals list} and {@code show} print it. Secrets are redacted.
 *
 * @param arguments  the command's fields as the request stored them; JSON as stored, since a
 *                   request stored by an earlier version is shown as it was stored
 * @param result     what the command answered (redacted) once executed, or its error (a string)
 *                   once failed; JSON as stored, for the same reason; null before either
 * @param resultWaiting whether a secret result waits, sealed, for the requester to collect it
 * @param createdAt  RFC 3339
 * @param expiresAt  RFC 3339
 */
@JsonPropertyOrder({"id", "action", "requester", "requester_minted_by", "arguments", "state", "approver", "reason",
        "result", "result_waiting", "created_at", "expires_at"})
public record ApprovalView(@JsonProperty("id") String id, @JsonProperty("action") String action,
                           @JsonProperty("requester") String requester,
                           @JsonProperty("requester_minted_by") List<String> requesterMintedBy,
                           @JsonProperty("arguments") JsonNode arguments, @JsonProperty("state") String state,
                           @JsonProperty("approver") String approver, @JsonProperty("reason") String reason,
                           @JsonProperty("result") JsonNode result,
                           @JsonProperty("result_waiting") boolean resultWaiting,
                           @JsonProperty("created_at") String createdAt,
                           @JsonProperty("expires_at") String expiresAt) {
}
