package dev.entente.controlplane.tls;

import dev.entente.ca.tls.TlsPolicy;
import dev.entente.ca.crypto.Curve25519Provider;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.server.netty.ssl.CertificateProvidedSslBuilder;
import io.micronaut.http.server.netty.ssl.ServerSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.KeyManagerFactoryWrapper;
import jakarta.inject.Singleton;

import java.util.Optional;
import javax.net.ssl.SSLEngine;
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
            SslContext context = SslContextBuilder.forServer(new KeyManagerFactoryWrapper(tls.keyManager()))
                    .sslProvider(SslProvider.JDK)
                    .protocols(TlsPolicy.PROTOCOLS)
                    .ciphers(TlsPolicy.CIPHER_SUITES)
                    // want, not need: the admin API and the CLI present no certificate
                    .clientAuth(ClientAuth.OPTIONAL)
                    .trustManager(tls.clientCertificateRequest())
                    .build();
            return Optional.of(new AcmeAlpn(context, tls.keyManager()));
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the hub TLS context: " + e.getMessage(), e);
        }
    }

    /**
     * Agrees to the {@code acme-tls/1} protocol while an ACME validation is pending, so the CA's
     * TLS-ALPN-01 handshake reaches the challenge certificate ({@link ReloadingKeyManager}); any
     * other offer is left unanswered, as without ALPN: the hub speaks HTTP/1.1 only.
     */
    private static final class AcmeAlpn extends DelegatingSslContext {
        private final ReloadingKeyManager keyManager;

        AcmeAlpn(SslContext context, ReloadingKeyManager keyManager) {
            super(context);
            this.keyManager = keyManager;
        }

        @Override
        protected void initEngine(SSLEngine engine) {
            engine.setHandshakeApplicationProtocolSelector((e, offered) ->
                    keyManager.challengePending() && offered.contains(ReloadingKeyManager.ACME_TLS_1)
                            ? ReloadingKeyManager.ACME_TLS_1 : "");
        }
    }
}
