package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Federation with other hubs.
 *
 * @param drillMode when true, a proposed peer with no token digest accepts any caller (drills only;
 *                  the start logs a warning)
 */
@ConfigurationProperties("entente.federation")
public record FederationConfiguration(@Bindable(defaultValue = "false") boolean drillMode) {
}
