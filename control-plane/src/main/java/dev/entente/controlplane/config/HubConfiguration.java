package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The hub itself.
 *
 * @param name      the hub's name, used on its first start ({@code --name}); unset takes the host name
 * @param bind      listen address ({@code --bind})
 * @param port      listen port ({@code --port}); 0 picks a free one
 * @param publicUrl URL peers reach this hub at; unset is {@code https://<bind or host name>:<port>}
 */
@ConfigurationProperties("entente.hub")
public record HubConfiguration(@Nullable String name,
                        @Bindable(defaultValue = "0.0.0.0") String bind,
                        @Bindable(defaultValue = "7443") int port,
                        @Nullable String publicUrl) {
}
