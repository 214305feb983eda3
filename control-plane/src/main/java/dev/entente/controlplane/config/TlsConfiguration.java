package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The hub's own TLS certificate, the one its HTTPS port presents.
 *
 * @param rotationGrace how long the previous certificate's fingerprint stays accepted after a rotation
 * @param certValidity  lifetime of a newly generated hub certificate
 */
@ConfigurationProperties("entente.tls")
public record TlsConfiguration(@Bindable(defaultValue = "24h") String rotationGrace,
                        @Bindable(defaultValue = "365d") String certValidity) {
}
