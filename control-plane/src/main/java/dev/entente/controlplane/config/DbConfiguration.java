package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * An external PostgreSQL instead of the embedded one.
 *
 * @param url      JDBC URL of the external database ({@code --db-url}); unset runs the embedded PostgreSQL
 * @param user     user for {@code url}; unset takes the one in the URL
 * @param password password for {@code url}; unset takes the one in the URL
 */
@ConfigurationProperties("entente.db")
public record DbConfiguration(@Nullable String url, @Nullable String user, @Nullable String password) {
}
