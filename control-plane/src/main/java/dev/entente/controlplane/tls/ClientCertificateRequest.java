package dev.entente.controlplane.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server side of mTLS on the one port: asks every client for a certificate (want, not need:
 * operators and the CLI have none) and names the federation CA certificates as acceptable
 * issuers. TLS itself proves the client holds the certificate's key; whether the certificate
 * chains to our CA, is unrevoked and maps to a live peer is decided per request by
 * {@code PeerAuthenticator}, so a stale or foreign certificate gets a 401 with a precise code
 * instead of an opaque handshake alert.
 */
public final class ClientCertificateRequest extends X509ExtendedTrustManager {
    private volatile X509Certificate[] issuers = new X509Certificate[0];

    /** The CA certificates to advertise; refreshed when the trust bundle changes (rotation). */
    public void acceptedIssuers(List<X509Certificate> certificates) {
        this.issuers = certificates.toArray(X509Certificate[]::new);
    }

    private static void requireChain(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("empty client certificate chain");
        }
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        requireChain(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        requireChain(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        requireChain(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("server certificates are not checked here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("server certificates are not checked here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("server certificates are not checked here");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return issuers.clone();
    }
}
