package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Acceptance tokens, the one-time invitations a proposing hub hands to its future peer.
 *
 * @param acceptanceTtl how long a freshly proposed peer's acceptance token stays valid
 * @param clockSkew     how far apart two hubs' clocks may be when one checks the other's token times
 */
@ConfigurationProperties("entente.tokens")
public record TokensConfiguration(@Bindable(defaultValue = "7d") String acceptanceTtl,
                           @Bindable(defaultValue = "60s") String clockSkew) {
}
