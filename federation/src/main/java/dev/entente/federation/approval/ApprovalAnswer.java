package dev.entente.federation.approval;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.federation.command.CommandSecrets;

/** What the two-person rule answers the admin API, one record per step of a request. */
public sealed interface ApprovalAnswer {
    /**
     * A command stored for approval (202).
     *
     * @param next    the command an approver runs
     * @param collect the command the requester runs once approved, when the result is theirs
     *                alone (absent otherwise)
     */
    @JsonPropertyOrder({"approval", "next", "collect"})
    record Requested(@JsonProperty("approval") ApprovalView approval, @JsonProperty("next") String next,
                     @JsonProperty("collect") @JsonInclude(JsonInclude.Include.NON_NULL) String collect)
            implements ApprovalAnswer {
    }

    /**
     * An approved request, executed.
     *
     * @param result the command's result: in full for the approver, redacted when its secret
     *               waits for the requester; as stored when another runner executed it
     * @param next   what the requester runs to collect a sealed secret result (absent otherwise)
     */
    @JsonPropertyOrder({"result", "next", "approval"})
    record Executed(@JsonProperty("result") JsonNode result,
                    @JsonProperty("next") @JsonInclude(JsonInclude.Include.NON_NULL) String next,
                    @JsonProperty("approval") ApprovalView approval) implements ApprovalAnswer {
    }

    /** The requester's secret result, handed out once. */
    @JsonPropertyOrder({"approval", "result"})
    record Collected(@JsonProperty("approval") ApprovalView approval, @JsonProperty("result") CommandSecrets result)
            implements ApprovalAnswer {
    }

    /** A rejected request. */
    record Rejected(@JsonProperty("approval") ApprovalView approval) implements ApprovalAnswer {
    }
}
