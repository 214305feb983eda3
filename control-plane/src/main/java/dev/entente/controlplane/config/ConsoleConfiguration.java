package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The web console at {@code https://<hub>/ui}: how long a signed-in browser stays signed in. A
 * session also ends at sign-out and when the operator token it stands on is revoked or expires.
 *
 * @param idleTimeout     a session with no request for this long ends; the next page asks to sign in again
 * @param absoluteTimeout a session ends this long after sign-in, however busy it is
 */
@ConfigurationProperties("entente.console")
public record ConsoleConfiguration(@Bindable(defaultValue = "30m") String idleTimeout,
                                   @Bindable(defaultValue = "12h") String absoluteTimeout) {
}
