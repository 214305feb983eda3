package dev.entente.controlplane.api.health;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.entente.heartbeat.schedule.WorkerPause;

import java.util.List;

/**
 * The answer of {@code /healthz}.
 *
 * @param status  {@code ok}, {@code warning} (200, something needs an operator) or
 *                {@code degraded} (503, the hub cannot serve)
 * @param reason  the most severe of {@code reasons}, absent when there is none (kept for the
 *                clients that read only one)
 * @param reasons every reason that holds, most severe first
 * @param paused  with {@code automation_paused}: what is paused, by whom, why, until when; absent otherwise
 */
public record Health(String status, @JsonInclude(JsonInclude.Include.NON_NULL) String reason, List<String> reasons,
                     String hubId, long uptimeS, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<WorkerPause> paused) {
    static Health of(List<HealthReason> found, List<WorkerPause> paused, String hubId, long uptimeS) {
        String status = found.isEmpty() ? "ok" : found.get(0).unavailable() ? "degraded" : "warning";
        return new Health(status, found.isEmpty() ? null : found.get(0).code(),
                found.stream().map(HealthReason::code).toList(), hubId, uptimeS, paused);
    }

    /** Whether a load balancer should send this hub traffic. */
    boolean serving() {
        return !"degraded".equals(status);
    }
}
