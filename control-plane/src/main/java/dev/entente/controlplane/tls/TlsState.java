package dev.entente.controlplane.tls;

import dev.entente.ca.crypto.Certificates;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * The certificate the hub serves right now, plus the fingerprints still honoured during a
 * rotation's grace window. Swapping it re-keys new handshakes at once.
 */
public final class TlsState {
    /** One hub TLS key and its certificate. */
    public record Identity(String keyId, X509Certificate certificate, PrivateKey privateKey) {
        public String fingerprint() {
            return Certificates.fingerprint(certificate);
        }

        public Instant notAfter() {
            return certificate.getNotAfter().toInstant();
        }
    }

    private final ReloadingKeyManager keyManager;
    private volatile Identity current;
    private volatile List<String> graceFingerprints;

    public TlsState(Identity current, List<String> graceFingerprints) {
        this.current = current;
        this.graceFingerprints = List.copyOf(graceFingerprints);
        this.keyManager = new ReloadingKeyManager(current.privateKey(), current.certificate());
    }

    public Identity current() {
        return current;
    }

    public List<String> graceFingerprints() {
        return graceFingerprints;
    }

    public ReloadingKeyManager keyManager() {
        return keyManager;
    }

    public synchronized void replace(Identity next, List<String> grace) {
        keyManager.reload(next.privateKey(), next.certificate());
        this.current = next;
        this.graceFingerprints = List.copyOf(grace);
    }
}
