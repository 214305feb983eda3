package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Tokens: acceptance tokens, the one-time invitations a proposing hub hands to its future peer, and operator tokens.
 *
 * @param acceptanceTtl how long a freshly proposed peer's acceptance token stays valid
 * @param clockSkew     how far two clocks may differ when a token's issue and expiry times are checked; doctor
 *                      also warns about peers whose clocks differ more
 */
@ConfigurationProperties("entente.tokens")
public record TokensConfiguration(@Bindable(defaultValue = "7d") String acceptanceTtl,
                           @Bindable(defaultValue = "60s") String clockSkew) {
}
