package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Hooks for specs only; never set them on a hub that matters.
 *
 * @param haltAfterApproval testing only: stop between approving an action and executing it, as a crash
 *                          there would, so that a spec can check the next start finishes the action
 */
@ConfigurationProperties("entente.testing")
public record TestingConfiguration(@Bindable(defaultValue = "false") boolean haltAfterApproval) {
}
