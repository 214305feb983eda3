package dev.entente.controlplane.api.health;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The answer of {@code /readyz}: {@code ready}, or {@code not_ready} with the first thing
 * missing ({@code starting}, {@code database_unreachable}, {@code tls_cert_expired}).
 */
public record Readiness(String status, @JsonInclude(JsonInclude.Include.NON_NULL) String reason) {
}
