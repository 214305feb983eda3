package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * Where the hub keeps its files.
 *
 * @param dataDir directory of the admin token, TLS key, passphrase and embedded database ({@code --data-dir}
 *                or {@code ENTENTE_DATA_DIR}); unset is {@code $XDG_DATA_HOME/entente} ({@code ~/.local/share/entente}).
 *                Read before any configuration file, since {@code entente.yml} lives in it
 */
@ConfigurationProperties("entente")
public record DataDirConfiguration(@Nullable String dataDir) {
}
