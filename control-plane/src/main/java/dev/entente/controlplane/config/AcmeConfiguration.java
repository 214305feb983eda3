package dev.entente.controlplane.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * The ACME CA the hub orders its TLS certificate from ({@code entente.tls.mode: acme}). The hub
 * proves it holds its name with the TLS-ALPN-01 challenge on its own port, so the CA must reach
 * {@code entente.hub.name} on that port; it renews at two thirds of the certificate's lifetime.
 *
 * @param directoryUrl the CA's ACME directory, e.g. {@code https://acme-v02.api.letsencrypt.org/directory}
 * @param email        contact address registered with the account (expiry notices), or none
 * @param trustFile    PEM roots the CA's HTTPS certificate must chain to, for a private CA (step-ca); unset
 *                     trusts the Java runtime's CA store
 * @param timeout      how long one validation or issuance may take before the order counts as failed
 * @param retry        how long after a failed order the hub tries again
 */
@ConfigurationProperties("entente.tls.acme")
public record AcmeConfiguration(@Nullable String directoryUrl,
                                @Nullable String email,
                                @Nullable String trustFile,
                                @Bindable(defaultValue = "2m") String timeout,
                                @Bindable(defaultValue = "10m") String retry) {
}
