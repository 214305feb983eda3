package dev.entente.ca.tls;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;

import java.util.List;

/**
 * The certificate the hub serves right now, plus the fingerprints still honoured during a
 * rotation's grace window and the one an automatic renewal will serve next (announced so peers
 * pin it before it is served). Swapping it re-keys new handshakes at once; open connections keep
 * the session they negotiated.
 */
public final class TlsState {
    private final TlsEndpoint endpoint;
    private volatile TlsKey current;
    private volatile List<String> graceFingerprints;
    private volatile List<String> nextFingerprints = List.of();

    /** @param endpoint the listener, already serving {@code current} */
    public TlsState(TlsKey current, List<String> graceFingerprints, TlsEndpoint endpoint) {
        this.current = current;
        this.graceFingerprints = List.copyOf(graceFingerprints);
        this.endpoint = endpoint;
    }

    public TlsKey current() {
        return current;
    }

    public List<String> graceFingerprints() {
        return graceFingerprints;
    }

    /** The fingerprint an automatic renewal made and will serve once peers have pinned it; empty otherwise. */
    public List<String> nextFingerprints() {
        return nextFingerprints;
    }

    /** The listener this state is served by. */
    public TlsEndpoint endpoint() {
        return endpoint;
    }

    /** Serves {@code served} from the next handshake on; a no-op when it is already served. */
    public synchronized void replace(TlsKey served, List<String> grace, List<String> next) {
        if (!served.keyId().equals(current.keyId())) {
            endpoint.serve(served);
            this.current = served;
        }
        this.graceFingerprints = List.copyOf(grace);
        this.nextFingerprints = List.copyOf(next);
    }
}
