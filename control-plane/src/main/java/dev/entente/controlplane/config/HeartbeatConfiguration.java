package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Heartbeats between peers.
 *
 * @param interval   how often a hub sends every active peer a heartbeat
 * @param staleAfter how long an active peer may stay silent before the sweep marks it stale
 */
@ConfigurationProperties("entente.heartbeat")
public record HeartbeatConfiguration(@Bindable(defaultValue = "30s") String interval,
                              @Bindable(defaultValue = "5m") String staleAfter) {
}
