package dev.entente.federation.renewal;

import dev.entente.ca.authority.IssuedCertificate;
import dev.entente.federation.protocol.Cached;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * When a peer should renew the node certificate it presented: at 2/3 of its lifetime, or at once
 * when it is not under the key that signs now. That is how peers move to a new CA key in
 * update_clients (and back after a rollback) without anyone touching them.
 */
public final class RenewalPolicy {
    // Read on every heartbeat; a second of staleness only delays a renewal by one heartbeat.
    private final Cached<String> signingFingerprint;

    /** @param signingFingerprint the fingerprint of the CA key that signs now */
    public RenewalPolicy(Supplier<String> signingFingerprint) {
        this.signingFingerprint = new Cached<>(Duration.ofSeconds(1), signingFingerprint);
    }

    public boolean shouldRenew(IssuedCertificate cert, Instant now) {
        Duration life = Duration.between(cert.notBefore(), cert.notAfter());
        boolean aging = now.isAfter(cert.notBefore().plus(life.multipliedBy(2).dividedBy(3)));
        boolean oldSigner = !cert.signerFingerprint().equals(signingFingerprint.get());
        return aging || oldSigner;
    }
}
