package dev.entente.ca.tls;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.vault.SealedKeyStore;

import java.time.Clock;
import java.time.Duration;

/**
 * Keeps what the server serves ({@link TlsState}) in step with the database: the active hub
 * certificate, the fingerprints still in their grace window, the next one of a renewal in
 * progress, and the federation CAs a client certificate may chain to.
 */
public final class HubTls {
    private final SealedKeyStore keys;
    private final TlsState state;
    private final CertificateAuthority authority;
    private final Clock clock;
    private final Duration certValidity;
    private final Duration rotationGrace;

    /**
     * @param certValidity  lifetime of a certificate the hub makes ({@code entente.tls.cert-validity})
     * @param rotationGrace how long a replaced fingerprint stays accepted ({@code entente.tls.rotation-grace})
     */
    public HubTls(SealedKeyStore keys, TlsState state, CertificateAuthority authority, Clock clock, Duration certValidity,
                  Duration rotationGrace) {
        this.keys = keys;
        this.state = state;
        this.authority = authority;
        this.clock = clock;
        this.certValidity = certValidity;
        this.rotationGrace = rotationGrace;
    }

    /** The hub TLS certificate store (rotation, grace). */
    public HubTlsCertificates certificates() {
        return new HubTlsCertificates(keys, certValidity);
    }

    /**
     * Serves whatever key the database says is active. Another replica may have rotated, and
     * grace windows end with time: run after a rotation and periodically.
     */
    public void refresh() {
        HubTlsCertificates certs = certificates();
        state.replace(certs.active(), certs.graceFingerprints(clock.instant(), rotationGrace),
                certs.next().map(TlsKey::fingerprint).stream().toList());
        trustFederationCas();
    }

    /** Asks clients for certificates under the federation CAs this hub trusts now (a rotation adds one). */
    public void trustFederationCas() {
        state.endpoint().acceptIssuers(authority.trustedCertificates());
    }
}
