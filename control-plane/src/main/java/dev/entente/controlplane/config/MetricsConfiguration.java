package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Who may scrape {@code GET /metrics}. Its series name every peer (hub id and name) and count the
 * refusals, so by default a scrape needs an operator token with any role, like every other read.
 *
 * @param unauthenticatedAccess whether {@code /metrics} answers without a token; only for a hub whose port
 *                              nothing but a trusted network reaches, since anyone who can reach it then
 *                              learns the federation's partners
 */
@ConfigurationProperties("entente.metrics")
public record MetricsConfiguration(@Bindable(defaultValue = "false") boolean unauthenticatedAccess) {
}
