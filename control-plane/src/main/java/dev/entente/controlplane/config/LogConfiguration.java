package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The hub's log on stderr. Before the configuration is read (and for client commands) the level
 * comes from {@code ENTENTE_LOG_LEVEL} alone.
 *
 * @param level  {@code error}, {@code warn}, {@code info}, {@code debug} or {@code trace}; unset leaves the start-up
 *               level ({@code ENTENTE_LOG_LEVEL}, else {@code info})
 * @param format {@code text} (one line per event, ISO-8601 UTC time) or {@code json} (one JSON object per line, for log shippers)
 */
@ConfigurationProperties("entente.log")
public record LogConfiguration(@Nullable String level,
                               @Bindable(defaultValue = "text") String format) {
}
