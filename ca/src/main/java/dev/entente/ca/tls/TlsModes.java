package dev.entente.ca.tls;

import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.AcmeOrders.AcmeFailure;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.StoredKey;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Brings certificates the hub does not make into the path a renewal takes ({@code entente.tls.mode}):
 * a new certificate from the custom files or from the ACME CA is stored sealed as the next key,
 * announced to peers in heartbeats, and served once they pinned it ({@link Promotion}), exactly as
 * the self-signed renewal's next key. In {@code custom} mode the files are checked every
 * {@code entente.tls.watch-interval} and on SIGHUP; in {@code acme} mode the certificate is ordered
 * when the served one is not from the CA for the hub's name or has used two thirds of its lifetime.
 * The work runs on one thread of its own: an ACME order takes seconds and must not hold a request
 * thread or the worker.
 */
public final class TlsModes {
    /** The {@code sealed_keys} purpose of the ACME account key. */
    public static final String ACME_ACCOUNT_PURPOSE = "acme_account";
    private static final Logger LOG = LoggerFactory.getLogger(TlsModes.class);

    private final TlsModeSettings settings;
    private final String hubName;
    private final HubTls hubTls;
    private final TlsState state;
    private final Promotion renewal;
    private final Hangups hangups;
    private final SealedKeyStore keys;
    private final Tx tx;
    private final Clock clock;
    private final AcmeOrders orders;
    private final Runnable onHangup = this::hangup;
    private ScheduledExecutorService executor;
    private volatile byte[] filesDigest;
    private volatile FileState files;
    private volatile AcmeState acme;

    /**
     * What the custom files held when last read.
     *
     * @param certificate their certificate, or null when they could not be served
     * @param problem     why not, or null
     * @param trigger     what made the hub read them: {@code start}, {@code SIGHUP} or {@code file watch}
     */
    public record FileState(X509Certificate certificate, String problem, Instant readAt, String trigger) {
    }

    /**
     * The ACME side: the last failed order, if the last order failed.
     *
     * @param failureType   the CA's problem type, or null while the last order succeeded (or none ran)
     * @param failureDetail the problem's detail
     * @param failures      orders failed in a row
     * @param nextAttempt   when the hub tries again
     */
    public record AcmeState(String failureType, String failureDetail, Instant failedAt, int failures, Instant nextAttempt) {
    }

    /**
     * Serves a staged certificate once peers pinned it: the federation's part, which knows the peers
     * and the heartbeats that announce it.
     */
    public interface Promotion {
        /** Before the server serves: a staged certificate nobody pins yet is served at once. */
        void atStart(Instant now);

        /** Periodically: serves the staged certificate once every peer had the chance to pin it. */
        void onSchedule(Instant now);
    }

    /** The operator's "re-read your files" signal (SIGHUP), which the shell receives. */
    public interface Hangups {
        /** Runs {@code listener} on every signal until removed; it must return quickly. */
        void add(Runnable listener);

        void remove(Runnable listener);
    }

    /** @param hubName the name the certificate must cover ({@code entente.hub.name}) */
    public TlsModes(TlsModeSettings settings, String hubName, HubTls hubTls, TlsState state, Promotion renewal,
                    Hangups hangups, SealedKeyStore keys, Tx tx, Clock clock) {
        this.settings = settings;
        this.hubName = hubName;
        this.hangups = hangups;
        this.hubTls = hubTls;
        this.state = state;
        this.renewal = renewal;
        this.keys = keys;
        this.tx = tx;
        this.clock = clock;
        this.orders = settings.mode() == TlsMode.ACME ? new AcmeOrders(settings.acmeDirectory(), settings.acmeTrust(),
                settings.acmeEmail(), settings.acmeTimeout()) : null;
    }

    public TlsMode mode() {
        return settings.mode();
    }

    public TlsModeSettings settings() {
        return settings;
    }

    /** Where the served key lives, in words for {@code tls info}. */
    public String keyLocation() {
        return switch (settings.mode()) {
            case SELF_SIGNED -> "made by the hub, sealed in the database";
            case CUSTOM -> "file " + settings.keyFile() + " (a sealed copy in the database while it is served or announced)";
            case ACME -> "made by the hub for each order, sealed in the database; certificate from "
                    + settings.acmeDirectory() + ", account key sealed in the database";
        };
    }

    /** What the custom files held when last read; null outside custom mode. */
    public FileState files() {
        return files;
    }

    /** The ACME side's last outcome; null outside acme mode or before the first order. */
    public AcmeState acme() {
        return acme;
    }

    /** What renews the served certificate in this mode, for a finding about its expiry. */
    public RenewalAdvice renewalAdvice() {
        return RenewalAdvice.of(settings, acme, ProcessHandle.current().pid());
    }

    /**
     * Before the server serves: in custom mode the files are read and their certificate staged, and
     * served at once when no peer pins this hub yet. A file the hub cannot serve stops the start.
     */
    public void beforeServing() {
        if (settings.mode() != TlsMode.CUSTOM) {
            return;
        }
        byte[] digest = digestFiles();
        SuppliedCertificate supplied = settings.readFiles(hubName);
        filesDigest = digest;
        files = new FileState(supplied.leaf(), null, clock.instant(), "start");
        stage(supplied, "start");
        renewal.atStart(clock.instant());
    }

    /** Once the server serves: watches the custom files, or orders and renews the ACME certificate. */
    public synchronized void serving() {
        if (settings.mode() == TlsMode.SELF_SIGNED || executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "entente-tls-" + settings.mode().value());
            t.setDaemon(true);
            return t;
        });
        long every = settings.watchInterval().toMillis();
        if (settings.mode() == TlsMode.CUSTOM) {
            executor.scheduleWithFixedDelay(() -> checkFiles("file watch"), every, every, TimeUnit.MILLISECONDS);
            hangups.add(onHangup);
        } else {
            LOG.info("TLS certificate for {} from the ACME CA at {} (its HTTPS trusted by {}), validated by tls-alpn-01 on this port",
                    hubName, settings.acmeDirectory(), settings.acmeTrust().isEmpty() ? "the runtime's CA store"
                            : settings.acmeTrust().stream().map(c -> c.getSubjectX500Principal().getName()).toList()
                            + " from entente.tls.acme.trust-file");
            executor.scheduleWithFixedDelay(this::checkAcme, 0, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Stops watching and ordering: the hub stops. */
    public synchronized void close() {
        if (executor != null) {
            hangups.remove(onHangup);
            executor.shutdownNow();
            executor = null;
        }
    }

    private void hangup() {
        ScheduledExecutorService e = executor;
        if (e != null) {
            e.execute(() -> checkFiles("SIGHUP"));
        }
    }

    /**
     * Reads the files again when their content changed; a pair that cannot be served (a key
     * copied before its certificate) leaves the served certificate as it is and is retried when
     * the files change again. Then promotes what was announced once peers pinned it.
     */
    private void checkFiles(String trigger) {
        try {
            byte[] digest = digestFiles();
            if (!Arrays.equals(digest, filesDigest)) {
                filesDigest = digest;
                try {
                    SuppliedCertificate supplied = settings.readFiles(hubName);
                    files = new FileState(supplied.leaf(), null, clock.instant(), trigger);
                    stage(supplied, trigger);
                } catch (EntenteException e) {
                    files = new FileState(null, e.getMessage(), clock.instant(), trigger);
                    LOG.warn("TLS certificate files changed ({}) but cannot be served, still serving {}: {}", trigger,
                            state.current().fingerprint(), e.getMessage());
                }
            }
            renewal.onSchedule(clock.instant());
        } catch (RuntimeException e) {
            LOG.warn("TLS certificate file check failed: {}", e.getMessage());
        }
    }

    private void checkAcme() {
        Instant now = clock.instant();
        try {
            if (!state.nextFingerprints().isEmpty()) {
                renewal.onSchedule(now);
                return;
            }
            AcmeState last = acme;
            if (!orderDue(state.current(), now) || (last != null && last.failureType() != null && now.isBefore(last.nextAttempt()))) {
                return;
            }
            SuppliedCertificate issued = orders.order(accountKey(), hubName, state.endpoint());
            acme = new AcmeState(null, null, null, 0, null);
            stage(issued, "acme");
            renewal.onSchedule(clock.instant());
        } catch (AcmeFailure f) {
            failed(f.type(), f.detail(), now);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            failed("internal", String.valueOf(e.getMessage()), now);
        }
    }

    private void failed(String type, String detail, Instant now) {
        AcmeState last = acme;
        int failures = last == null || last.failureType() == null ? 1 : last.failures() + 1;
        acme = new AcmeState(type, detail, now, failures, now.plus(settings.acmeRetry()));
        LOG.warn("ACME order for {} failed ({} in a row, next attempt in {}): {}: {}", hubName, failures,
                settings.acmeRetry(), type, detail);
    }

    /**
     * Whether to order now: the served certificate is not one the CA issued for the hub's name
     * (the self-signed one from before the mode was switched on), or it has used two thirds of its
     * lifetime, counted from its own not-before: a CA's certificate is not back-dated by the hub.
     */
    static boolean orderDue(TlsKey served, String name, Instant now) {
        X509Certificate leaf = served.certificate();
        if (leaf.getIssuerX500Principal().equals(leaf.getSubjectX500Principal()) || !SuppliedCertificate.covers(leaf, name)) {
            return true;
        }
        Instant notBefore = leaf.getNotBefore().toInstant();
        Duration lifetime = Duration.between(notBefore, served.notAfter());
        return !now.isBefore(notBefore.plus(lifetime.multipliedBy(2).dividedBy(3)));
    }

    private boolean orderDue(TlsKey served, Instant now) {
        return orderDue(served, hubName, now);
    }

    private void stage(SuppliedCertificate supplied, String trigger) {
        Optional<TlsKey> staged = tx.inTransaction(c -> hubTls.certificates().stageSupplied(c, supplied));
        if (staged.isPresent()) {
            hubTls.refresh();
            LOG.info("TLS certificate {} ({}, until {}) from {} announced to peers; served once they pinned it",
                    staged.get().fingerprint(), trigger, staged.get().notAfter(),
                    settings.mode() == TlsMode.CUSTOM ? settings.certFile() : settings.acmeDirectory());
        }
    }


    /** The ACME account's key, made and sealed on first use like every other key of the hub. */
    private KeyPair accountKey() {
        return tx.inTransaction(c -> {
            for (StoredKey k : keys.byPurpose(c, ACME_ACCOUNT_PURPOSE)) {
                if (k.status().equals(SealedKeyStore.ACTIVE)) {
                    return new KeyPair(Certificates.publicKey(k.algorithm(), k.publicKey()),
                            Certificates.privateKey(k.algorithm(), k.secret()));
                }
            }
            KeyPair kp = Certificates.ecP256();
            String fp = Certificates.sha256Hex(kp.getPublic().getEncoded());
            keys.store(c, "acme-account-" + fp.substring(0, 16), ACME_ACCOUNT_PURPOSE, SealedKeyStore.ACTIVE, "EC-P256",
                    kp.getPublic().getEncoded(), null, fp, kp.getPrivate().getEncoded(), null);
            return kp;
        });
    }

    /** SHA-256 over both files' bytes: catches an edit in place and an atomic rename alike, whatever the mtime. */
    private byte[] digestFiles() {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (var file : new java.nio.file.Path[]{settings.certFile(), settings.keyFile()}) {
                try {
                    md.update(Files.readAllBytes(file));
                } catch (IOException e) {
                    md.update(("unreadable " + file).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                }
                md.update((byte) 0);
            }
            return md.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
