package dev.entente.controlplane.tls;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;

import java.util.List;

/**
 * The certificate the hub serves right now, plus the fingerprints still honoured during a
 * rotation's grace window. Swapping it re-keys new handshakes at once; open connections keep
 * the session they negotiated.
 */
public final class TlsState {
    private final ReloadingKeyManager keyManager;
    private final ClientCertificateRequest clientCertificateRequest = new ClientCertificateRequest();
    private volatile TlsKey current;
    private volatile List<String> graceFingerprints;

    public TlsState(TlsKey current, List<String> graceFingerprints) {
        this.current = current;
        this.graceFingerprints = List.copyOf(graceFingerprints);
        this.keyManager = new ReloadingKeyManager(current.privateKey(), current.certificate());
    }

    public TlsKey current() {
        return current;
    }

    public List<String> graceFingerprints() {
        return graceFingerprints;
    }

    public ClientCertificateRequest clientCertificateRequest() {
        return clientCertificateRequest;
    }

    public ReloadingKeyManager keyManager() {
        return keyManager;
    }

    /** Serves {@code next} from the next handshake on; a no-op when it is already served. */
    public synchronized void replace(TlsKey next, List<String> grace) {
        if (!next.keyId().equals(current.keyId())) {
            keyManager.reload(next.privateKey(), next.certificate());
            this.current = next;
        }
        this.graceFingerprints = List.copyOf(grace);
    }
}
