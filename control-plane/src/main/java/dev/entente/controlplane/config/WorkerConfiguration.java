package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The background jobs (heartbeat sender, stale sweep, approval expiry, governance scan).
 *
 * @param inProcess whether the hub runs the jobs itself; false leaves them to {@code entente worker} processes
 */
@ConfigurationProperties("entente.worker")
public record WorkerConfiguration(@Bindable(defaultValue = "true") boolean inProcess) {
}
