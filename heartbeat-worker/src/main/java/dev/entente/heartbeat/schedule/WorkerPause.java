package dev.entente.heartbeat.schedule;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * A pause of worker jobs as {@code status}, {@code doctor} and {@code /healthz} show it.
 *
 * @param job      the job's name, or {@value WorkerPauses#ALL} for every pausable job
 * @param pausedBy the operator who paused it
 * @param reason   why
 * @param pausedAt when (RFC 3339)
 * @param until    when it ends by itself (RFC 3339); null when it lasts until resumed
 */
@JsonPropertyOrder({"job", "paused_by", "reason", "paused_at", "until"})
public record WorkerPause(@JsonProperty("job") String job, @JsonProperty("paused_by") String pausedBy,
                          @JsonProperty("reason") String reason, @JsonProperty("paused_at") String pausedAt,
                          @JsonProperty("until") String until) {

    /** One line for a warning: {@code stale_sweep paused by alice until ...: repairing peer x}. */
    public String describe() {
        return (WorkerPauses.ALL.equals(job) ? "every worker job" : "worker job " + job) + " paused by " + pausedBy
                + (until == null ? " until resumed" : " until " + until) + ": " + reason;
    }
}
