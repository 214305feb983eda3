package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Node certificates the hub's CA issues to peers.
 *
 * @param nodeTtl lifetime of an issued node certificate; peers renew at two thirds of it
 */
@ConfigurationProperties("entente.certs")
public record CertsConfiguration(@Bindable(defaultValue = "7d") String nodeTtl) {
}
