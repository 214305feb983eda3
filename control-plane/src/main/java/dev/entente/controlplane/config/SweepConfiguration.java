package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The stale sweep.
 *
 * @param interval how often the sweep looks for active peers past {@code entente.heartbeat.stale-after}
 */
@ConfigurationProperties("entente.sweep")
public record SweepConfiguration(@Bindable(defaultValue = "60s") String interval) {
}
