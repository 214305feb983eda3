package dev.entente.ca.tls;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The server's side of the hub's TLS, which the shell owns (the key manager and trust manager of
 * its HTTPS listener): what this module decides to serve is handed over here, and the ACME
 * TLS-ALPN-01 challenge is answered on the same port.
 */
public interface TlsEndpoint extends AcmeOrders.ChallengeResponder {
    /** Serves {@code key} from the next handshake on; open connections keep their session. */
    void serve(TlsKey key);

    /** Asks clients for certificates under these CAs (the federation CAs this hub trusts now). */
    void acceptIssuers(List<X509Certificate> certificates);
}
