package dev.entente.ca.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.StoredKey;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The hub's own TLS certificate (Ed25519, self-signed, pinned by peers and the CLI) and its
 * rotation with a grace window.
 *
 * <p>A rotation makes a new key active and moves the old one to {@code grace}: the server
 * serves only the new certificate at once, while the old fingerprint stays announced (in
 * {@code tls info} and, with federation, in heartbeats) until {@code created_at} of the new key
 * plus the rotation grace, so peers re-pin without an outage. The grace end is derived from the
 * active key rather than stored, so it cannot disagree with it. Only one key is ever in grace:
 * rotating again within the window retires the oldest.
 */
public final class HubTlsCertificates {
    public static final String PURPOSE = "tls";
    /** Default validity of a hub TLS certificate. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);

    private final SealedKeyStore keys;
    private final Duration validity;

    public HubTlsCertificates(SealedKeyStore keys, Duration validity) {
        this.keys = keys;
        this.validity = validity;
    }

    /** One TLS key and its certificate. */
    public record TlsKey(String keyId, X509Certificate certificate, PrivateKey privateKey, Instant createdAt) {
        public String fingerprint() {
            return Certificates.fingerprint(certificate);
        }

        public Instant notAfter() {
            return certificate.getNotAfter().toInstant();
        }
    }

    /** Creates the first key when there is none; returns whether it did. */
    public boolean createIfMissing(Connection c, String hubId, Set<String> sans, Instant now) throws SQLException {
        if (keys.active(PURPOSE).isPresent()) {
            return false;
        }
        store(c, hubId, sans, now, SealedKeyStore.ACTIVE);
        return true;
    }

    /**
     * A new key and certificate become active; the previous active key enters grace and any key
     * already in grace retires. Runs in the caller's transaction, so the audit event commits with it.
     */
    public TlsKey rotate(Connection c, String hubId, Set<String> sans, Instant now) throws SQLException {
        for (StoredKey k : keys.byPurpose(PURPOSE)) {
            if (k.status().equals(SealedKeyStore.GRACE)) {
                keys.setStatus(c, k.id(), SealedKeyStore.RETIRED);
            }
        }
        Optional<StoredKey> previous = keys.active(PURPOSE);
        if (previous.isPresent()) {
            keys.setStatus(c, previous.get().id(), SealedKeyStore.GRACE);
        }
        StoredKey next = store(c, hubId, sans, now, SealedKeyStore.ACTIVE);
        return toTlsKey(next);
    }

    public TlsKey active() {
        return toTlsKey(keys.active(PURPOSE).orElseThrow(() -> new IllegalStateException("no active TLS key")));
    }

    /** Fingerprints still honoured: keys in grace while {@code now} is inside the grace window. */
    public List<String> graceFingerprints(Instant now, Duration grace) {
        Instant activeSince = keys.active(PURPOSE).map(StoredKey::createdAt).orElse(now);
        if (!now.isBefore(activeSince.plus(grace))) {
            return List.of();
        }
        return keys.byPurpose(PURPOSE).stream()
                .filter(k -> k.status().equals(SealedKeyStore.GRACE))
                .map(StoredKey::fingerprint)
                .toList();
    }

    private StoredKey store(Connection c, String hubId, Set<String> sans, Instant now, String status) throws SQLException {
        KeyPair kp = Certificates.ed25519();
        // Back-dated for slow clocks, valid for the whole configured validity from now.
        X509Certificate cert = Certificates.selfSigned(kp, hubId, sans, now.minus(Certificates.BACKDATE),
                validity.plus(Certificates.BACKDATE));
        String fp = Certificates.fingerprint(cert);
        return keys.store(c, "tls-" + fp.substring(0, 16), PURPOSE, status, "Ed25519", kp.getPublic().getEncoded(),
                Certificates.toPem(cert), fp, kp.getPrivate().getEncoded(), cert.getNotAfter().toInstant());
    }

    private static TlsKey toTlsKey(StoredKey k) {
        X509Certificate cert = Certificates.parsePem(k.certificatePem()).get(0);
        return new TlsKey(k.id(), cert, Certificates.privateKey("Ed25519", k.secret()), k.createdAt());
    }
}
