package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The hub's own TLS certificate, the one its HTTPS port presents.
 *
 * @param rotationGrace how long the previous certificate's fingerprint stays accepted after a rotation
 * @param certValidity  lifetime of a newly generated hub certificate
 * @param autoRenew     whether the hub renews its certificate by itself: at two thirds of its lifetime (announced to
 *                      peers first, as a rotation with its grace), and at start when it has expired; off, only
 *                      {@code entente tls rotate} renews it
 */
@ConfigurationProperties("entente.tls")
public record TlsConfiguration(@Bindable(defaultValue = "24h") String rotationGrace,
                        @Bindable(defaultValue = "365d") String certValidity,
                        @Bindable(defaultValue = "true") boolean autoRenew) {
}
