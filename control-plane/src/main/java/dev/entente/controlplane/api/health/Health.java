package dev.entente.controlplane.api.health;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The answer of {@code /healthz}.
 *
 * @param status  {@code ok}, {@code warning} (200, something needs an operator) or
 *                {@code degraded} (503, the hub cannot serve)
 * @param reason  the most severe of {@code reasons}, absent when there is none (kept for the
 *                clients that read only one)
 * @param reasons every reason that holds, most severe first
 */
public record Health(String status, @JsonInclude(JsonInclude.Include.NON_NULL) String reason, List<String> reasons,
                     String hubId, long uptimeS) {
    static Health of(List<HealthReason> found, String hubId, long uptimeS) {
        String status = found.isEmpty() ? "ok" : found.get(0).unavailable() ? "degraded" : "warning";
        return new Health(status, found.isEmpty() ? null : found.get(0).code(),
                found.stream().map(HealthReason::code).toList(), hubId, uptimeS);
    }

    /** Whether a load balancer should send this hub traffic. */
    boolean serving() {
        return !"degraded".equals(status);
    }
}
