package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * How the embedded PostgreSQL runs; ignored with {@code entente.db.url}.
 *
 * @param durable       fsync, synchronous commit and full-page writes on; only tests and benchmarks turn it off
 * @param osUser        unprivileged system user the server runs as when the hub is started as root
 * @param restartGiveUp how long the hub keeps restarting a server that died before it stops itself
 */
@ConfigurationProperties("entente.database")
public record DatabaseConfiguration(@Bindable(defaultValue = "true") boolean durable,
                             @Bindable(defaultValue = "entente-db") String osUser,
                             @Bindable(defaultValue = "2m") String restartGiveUp) {
}
