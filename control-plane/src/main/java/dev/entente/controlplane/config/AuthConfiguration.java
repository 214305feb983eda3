package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Which operator credentials the admin API accepts.
 *
 * @param localTokens whether tokens from {@code entente operators token issue} are accepted; false leaves sign-in
 *                    sessions ({@code entente login}) and the hub's own {@code <data-dir>/admin.token}, which only
 *                    whoever runs the hub can read: automation on the hub's host and recovery while the identity
 *                    provider is down keep working
 */
@ConfigurationProperties("entente.auth")
public record AuthConfiguration(@Bindable(defaultValue = "true") boolean localTokens) {
}
