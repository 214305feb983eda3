package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The hub's internal certificate authority.
 *
 * @param algorithm key algorithm of new CA keys: {@code ed25519} or {@code ecdsa-p256}; existing keys keep theirs
 */
@ConfigurationProperties("entente.ca")
public record CaConfiguration(@Bindable(defaultValue = "ed25519") String algorithm) {
}
