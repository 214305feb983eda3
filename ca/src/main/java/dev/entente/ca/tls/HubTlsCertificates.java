package dev.entente.ca.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.StoredKey;

import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The hub's own TLS certificate (Ed25519 and self-signed unless supplied, pinned by peers and the
 * CLI) and its rotation with a grace window.
 *
 * <p>A rotation makes a new key active and moves the old one to {@code grace}: the server
 * serves only the new certificate at once, while the old fingerprint stays announced (in
 * {@code tls info} and, with federation, in heartbeats) until {@code created_at} of the new key
 * plus the rotation grace, so peers re-pin without an outage. The grace end is derived from the
 * active key rather than stored, so it cannot disagree with it. Only one key is ever in grace:
 * rotating again within the window retires the oldest.
 *
 * <p>An automatic renewal has one more step: at two thirds of the served certificate's lifetime
 * the next key is made with status {@code next} and announced alongside the served one, so
 * peers pin it over heartbeats before the hub serves it; {@link #promoteNext} then makes it
 * active as a rotation does. Serving a certificate no peer pins yet would fail their heartbeats.
 *
 * <p>A certificate the hub did not make (the operator's files, an ACME order) takes the same
 * path: {@link #stageSupplied} stores it as the next key, {@link #promoteSupplied} serves it once
 * peers pinned it. The hub then never makes a key of its own.
 */
public final class HubTlsCertificates {
    public static final String PURPOSE = "tls";
    /** Default validity of a hub TLS certificate. */
    public static final Duration DEFAULT_VALIDITY = Duration.ofDays(365);
    private static final long TLS_KEY_LOCK = 0x746c736b6579L; // "tlskey"

    private final SealedKeyStore keys;
    private final Duration validity;

    public HubTlsCertificates(SealedKeyStore keys, Duration validity) {
        this.keys = keys;
        this.validity = validity;
    }

    /**
     * One TLS key and its certificate.
     *
     * @param chain the certificate first, then the intermediates a CA issued it under (custom and
     *              ACME certificates); the certificate alone when the hub made it
     */
    public record TlsKey(String keyId, X509Certificate certificate, PrivateKey privateKey, Instant createdAt,
                         List<X509Certificate> chain) {
        public TlsKey {
            chain = List.copyOf(chain);
        }

        public TlsKey(String keyId, X509Certificate certificate, PrivateKey privateKey, Instant createdAt) {
            this(keyId, certificate, privateKey, createdAt, List.of(certificate));
        }

        public String fingerprint() {
            return Certificates.fingerprint(certificate);
        }

        public Instant notAfter() {
            return certificate.getNotAfter().toInstant();
        }

        /**
         * Two thirds into the certificate's lifetime, counted from its issuance (its not-before
         * is back-dated by {@link Certificates#BACKDATE}): when an automatic renewal is due.
         */
        public Instant renewalDue() {
            Instant issued = certificate.getNotBefore().toInstant().plus(Certificates.BACKDATE);
            Duration lifetime = Duration.between(issued, notAfter());
            return issued.plus(lifetime.multipliedBy(2).dividedBy(3));
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
        lock(c);
        // A renewal's next key is superseded by a key made now.
        for (StoredKey k : keys.byPurpose(c, PURPOSE)) {
            if (k.status().equals(SealedKeyStore.GRACE) || k.status().equals(SealedKeyStore.NEXT)) {
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

    /** What {@link #renew} did. */
    public enum RenewalStep {
        /** Nothing was due. */
        NONE,
        /** The next key was made and is announced; it is served once peers have had time to pin it. */
        PREPARED,
        /** The announced next key is served now. */
        PROMOTED,
        /** The served certificate had expired (or was not valid yet): a new one is served at once. */
        REPLACED
    }

    /**
     * The outcome of one renewal check.
     *
     * @param key      the key the step made or promoted; the served one for {@link RenewalStep#NONE}
     * @param previous the certificate served before the step
     */
    public record Renewal(RenewalStep step, TlsKey key, TlsKey previous) {
    }

    /**
     * One step of the automatic renewal at {@code now}, in the caller's transaction: replaces a
     * served certificate that is outside its validity (promoting an announced next key when that one
     * is valid), promotes a next key announced for at least {@code announce} once
     * {@code pinnedSince} says the peers have had it since its announcement (or half the served
     * certificate's remaining time has passed), or makes the next key once two thirds of the served
     * certificate's lifetime are used. Serialised with every other change of the hub TLS key, so
     * replicas checking at once renew once.
     */
    public Renewal renew(Connection c, String hubId, Set<String> sans, Instant now, Duration announce,
                         Predicate<Instant> pinnedSince) throws SQLException {
        lock(c);
        List<StoredKey> all = keys.byPurpose(c, PURPOSE);
        TlsKey active = all.stream().filter(k -> k.status().equals(SealedKeyStore.ACTIVE)).findFirst()
                .map(HubTlsCertificates::toTlsKey).orElseThrow(() -> new IllegalStateException("no active TLS key"));
        Optional<TlsKey> next = all.stream().filter(k -> k.status().equals(SealedKeyStore.NEXT)).findFirst()
                .map(HubTlsCertificates::toTlsKey);
        if (!validAt(active, now)) {
            if (next.isPresent() && validAt(next.get(), now)) {
                return new Renewal(RenewalStep.PROMOTED, promoteNext(c).orElseThrow(), active);
            }
            return new Renewal(RenewalStep.REPLACED, rotate(c, hubId, sans, now), active);
        }
        if (next.isPresent()) {
            Instant announcedSince = next.get().certificate().getNotBefore().toInstant().plus(Certificates.BACKDATE);
            return promoteWhenPinned(c, active, announcedSince, now, announce, pinnedSince);
        }
        if (!now.isBefore(active.renewalDue())) {
            return new Renewal(RenewalStep.PREPARED, prepareNext(c, hubId, sans, now), active);
        }
        return new Renewal(RenewalStep.NONE, active, active);
    }

    /** Promotes the next key once it has been announced for {@code announce} and peers pinned it (or half the time left passed). */
    private Renewal promoteWhenPinned(Connection c, TlsKey active, Instant announcedSince, Instant now, Duration announce,
                                      Predicate<Instant> pinnedSince) throws SQLException {
        // Peers silent for half the time left do not hold the renewal back until expiry.
        Instant latest = announcedSince.plus(Duration.between(announcedSince, active.notAfter()).dividedBy(2));
        boolean announced = !now.isBefore(announcedSince.plus(announce));
        if (announced && (pinnedSince.test(announcedSince) || !now.isBefore(latest))) {
            return new Renewal(RenewalStep.PROMOTED, promoteNext(c).orElseThrow(), active);
        }
        return new Renewal(RenewalStep.NONE, active, active);
    }

    /**
     * Announces a certificate the hub did not make (a custom file, an ACME order) as the next key:
     * peers pin it over heartbeats, then {@link #promoteSupplied} serves it, as a renewal's next key.
     * Staging the certificate already served or already announced is a no-op (a reload of unchanged
     * files, or two replicas reading the same files).
     *
     * @return the staged key, or empty when there was nothing new
     */
    public Optional<TlsKey> stageSupplied(Connection c, SuppliedCertificate supplied) throws SQLException {
        lock(c);
        String fp = supplied.fingerprint();
        List<StoredKey> all = keys.byPurpose(c, PURPOSE);
        for (StoredKey k : all) {
            if (fp.equals(k.fingerprint())
                    && (k.status().equals(SealedKeyStore.ACTIVE) || k.status().equals(SealedKeyStore.NEXT))) {
                return Optional.empty();
            }
        }
        for (StoredKey k : all) {
            if (k.status().equals(SealedKeyStore.NEXT)) {
                keys.setStatus(c, k.id(), SealedKeyStore.RETIRED);
            }
        }
        String id = "tls-" + fp.substring(0, 16);
        StoredKey row = keys.byId(c, id).orElse(null);
        if (row != null) {
            // A file put back after it was replaced: its row is in grace or retired; it is announced again.
            keys.setStatus(c, id, SealedKeyStore.NEXT);
            return Optional.of(toTlsKey(keys.byId(c, id).orElseThrow()));
        }
        StringBuilder pem = new StringBuilder();
        supplied.chain().forEach(cert -> pem.append(Certificates.toPem(cert)));
        X509Certificate leaf = supplied.leaf();
        return Optional.of(toTlsKey(keys.store(c, id, PURPOSE, SealedKeyStore.NEXT, supplied.algorithm(),
                leaf.getPublicKey().getEncoded(), pem.toString(), fp, supplied.privateKey().getEncoded(),
                leaf.getNotAfter().toInstant())));
    }

    /**
     * The renewal step of a hub serving certificates it did not make ({@link #stageSupplied}): the
     * announced next key is promoted once announced for {@code announce} and pinned by the peers, as
     * {@link #renew} does; at once when nobody pins this hub yet ({@code nobodyPins}) or when the
     * served certificate is no longer valid and the next one is. The hub never makes a key here: a
     * certificate without a successor stays served until the operator's files or the CA replace it.
     */
    public Renewal promoteSupplied(Connection c, Instant now, Duration announce, Predicate<Instant> pinnedSince,
                                   boolean nobodyPins) throws SQLException {
        lock(c);
        List<StoredKey> all = keys.byPurpose(c, PURPOSE);
        TlsKey active = all.stream().filter(k -> k.status().equals(SealedKeyStore.ACTIVE)).findFirst()
                .map(HubTlsCertificates::toTlsKey).orElseThrow(() -> new IllegalStateException("no active TLS key"));
        Optional<StoredKey> next = all.stream().filter(k -> k.status().equals(SealedKeyStore.NEXT)).findFirst();
        if (next.isEmpty()) {
            return new Renewal(RenewalStep.NONE, active, active);
        }
        TlsKey candidate = toTlsKey(next.get());
        if (nobodyPins || (!validAt(active, now) && validAt(candidate, now))) {
            return new Renewal(RenewalStep.PROMOTED, promoteNext(c).orElseThrow(), active);
        }
        // The announcement started when the row was written: a CA's not-before says nothing about it.
        return promoteWhenPinned(c, active, next.get().createdAt(), now, announce, pinnedSince);
    }

    private static boolean validAt(TlsKey key, Instant now) {
        return now.isBefore(key.notAfter()) && !now.isBefore(key.certificate().getNotBefore().toInstant());
    }

    /** Every change of the hub TLS key takes this transaction lock: two replicas never rotate at once. */
    private static void lock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?)")) {
            ps.setLong(1, TLS_KEY_LOCK);
            ps.execute();
        }
    }

    /** Makes the next key of an automatic renewal: announced from now on, served once promoted. */
    public TlsKey prepareNext(Connection c, String hubId, Set<String> sans, Instant now) throws SQLException {
        lock(c);
        for (StoredKey k : keys.byPurpose(c, PURPOSE)) {
            if (k.status().equals(SealedKeyStore.NEXT)) {
                keys.setStatus(c, k.id(), SealedKeyStore.RETIRED);
            }
        }
        return toTlsKey(store(c, hubId, sans, now, SealedKeyStore.NEXT));
    }

    /**
     * The next key becomes active and the active one enters grace, as in {@link #rotate}. The grace
     * window counts from the next key's creation: peers have pinned it since then.
     *
     * @return the promoted key, or empty when there is no next key (another replica promoted it)
     */
    public Optional<TlsKey> promoteNext(Connection c) throws SQLException {
        lock(c);
        List<StoredKey> all = keys.byPurpose(c, PURPOSE);
        Optional<StoredKey> next = all.stream().filter(k -> k.status().equals(SealedKeyStore.NEXT)).findFirst();
        if (next.isEmpty()) {
            return Optional.empty();
        }
        for (StoredKey k : all) {
            if (k.status().equals(SealedKeyStore.GRACE)) {
                keys.setStatus(c, k.id(), SealedKeyStore.RETIRED);
            } else if (k.status().equals(SealedKeyStore.ACTIVE)) {
                keys.setStatus(c, k.id(), SealedKeyStore.GRACE);
            }
        }
        keys.setStatus(c, next.get().id(), SealedKeyStore.ACTIVE);
        return Optional.of(toTlsKey(next.get()));
    }

    /** The next key of a renewal in progress, if any. */
    public Optional<TlsKey> next() {
        return keys.byPurpose(PURPOSE).stream().filter(k -> k.status().equals(SealedKeyStore.NEXT)).findFirst()
                .map(HubTlsCertificates::toTlsKey);
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
        List<X509Certificate> chain = Certificates.parsePem(k.certificatePem());
        return new TlsKey(k.id(), chain.get(0), Certificates.privateKey(k.algorithm(), k.secret()), k.createdAt(), chain);
    }
}
