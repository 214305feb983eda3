package dev.entente.controlplane.tls;

import dev.entente.ca.crypto.Curve25519Provider;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.server.netty.ssl.CertificateProvidedSslBuilder;
import io.micronaut.http.server.netty.ssl.ServerSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import jakarta.inject.Singleton;

import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Replaces Micronaut's key-store based SSL set-up: the hub's key lives sealed in the database,
 * never in a key-store file, and is served through a {@link ReloadingKeyManager} so that
 * {@code entente tls rotate} needs no restart. TLS 1.3 only, with exactly the three suites of
 * {@link TlsPolicy}: a TLS 1.2 client fails the handshake. Client certificates are requested
 * (for the federation API) through {@link ClientCertificateRequest}. Ed25519 in the handshake
 * (our CertificateVerify, the client's, the client certificate's signature) and the X25519 key
 * exchange go through {@link Curve25519Provider}, installed here before the first context is built.
 */
@Singleton
@Replaces(CertificateProvidedSslBuilder.class)
public class HubSslBuilder implements ServerSslBuilder {
    private final ServerSslConfiguration configuration;
    private final TlsState tls;

    public HubSslBuilder(ServerSslConfiguration configuration, TlsState tls) {
        this.configuration = configuration;
        this.tls = tls;
    }

    @Override
    public ServerSslConfiguration getSslConfiguration() {
        return configuration;
    }

    @Override
    public Optional<SslContext> build() {
        Curve25519Provider.install();
        try {
            return Optional.of(SslContextBuilder.forServer(new KeyManagerFactoryWrapper(tls.keyManager()))
                    .sslProvider(SslProvider.JDK)
                    .protocols(TlsPolicy.PROTOCOLS)
                    .ciphers(TlsPolicy.CIPHER_SUITES)
                    // want, not need: the admin API and the CLI present no certificate
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(tls.clientCertificateRequest())
                    .build());
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the hub TLS context: " + e.getMessage(), e);
        }
    }
}
