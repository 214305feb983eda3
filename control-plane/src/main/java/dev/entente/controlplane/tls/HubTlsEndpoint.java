package dev.entente.controlplane.tls;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.tls.TlsEndpoint;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;

/**
 * The HTTPS listener's side of the hub's TLS: the key manager that serves what {@code ca}'s
 * {@code TlsState} says (and the ACME challenge certificate while a validation is pending), and
 * the client-certificate request naming the federation CAs. {@link HubSslBuilder} builds the
 * server's context over both.
 */
public final class HubTlsEndpoint implements TlsEndpoint {
    private final ReloadingKeyManager keyManager;
    private final ClientCertificateRequest clientCertificateRequest = new ClientCertificateRequest();

    public HubTlsEndpoint(TlsKey served) {
        this.keyManager = new ReloadingKeyManager(served.privateKey(), served.chain().toArray(X509Certificate[]::new));
    }

    @Override
    public void serve(TlsKey key) {
        keyManager.reload(key.privateKey(), key.chain().toArray(X509Certificate[]::new));
    }

    @Override
    public void acceptIssuers(List<X509Certificate> certificates) {
        clientCertificateRequest.acceptedIssuers(certificates);
    }

    @Override
    public void present(String name, KeyPair key, X509Certificate certificate) {
        keyManager.presentChallenge(name, key.getPrivate(), certificate);
    }

    @Override
    public void withdraw(String name) {
        keyManager.withdrawChallenge(name);
    }

    /** The certificate browsers are served while the hub's own is Ed25519; empty otherwise. */
    public Optional<X509Certificate> browserCertificate() {
        return keyManager.browserCertificate();
    }

    ReloadingKeyManager keyManager() {
        return keyManager;
    }

    ClientCertificateRequest clientCertificateRequest() {
        return clientCertificateRequest;
    }
}
