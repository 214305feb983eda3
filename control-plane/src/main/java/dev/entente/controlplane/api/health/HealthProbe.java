package dev.entente.controlplane.api.health;

import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.ca.tls.TlsState;
import dev.entente.federation.doctor.ClockChecks;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.heartbeat.doctor.WorkerCheck;
import dev.entente.heartbeat.schedule.WorkerPause;
import dev.entente.heartbeat.schedule.WorkerPauses;
import dev.entente.heartbeat.schedule.WorkerRuns;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code /healthz} and {@code /readyz} report. The database is probed on every call (through
 * the pool, with a 2 s ceiling), so the answer flips back by itself once PostgreSQL returns; the
 * worker, the partners and the worker pauses are three small reads, skipped while the database is down; the clock
 * skew is kept in memory by the heartbeat sender.
 */
@Singleton
public final class HealthProbe {
    /** Inside this window before expiry the hub reports {@code tls_cert_expiring_soon}. */
    public static final Duration TLS_EXPIRY_WARNING = Duration.ofDays(7);

    private final HubIdentity hub;
    private final Tx tx;
    private final TlsState tls;
    private final Clock clock;
    private final PeerRepository peers;
    private final ClockChecks clocks;
    private final DoctorCheck worker;
    private final WorkerPauses pauses;

    public HealthProbe(HubIdentity hub, HubSettings settings, Tx tx, TlsState tls, Clock clock, PeerRepository peers,
                       ClockChecks clocks, WorkerPauses pauses) {
        this.hub = hub;
        this.tx = tx;
        this.tls = tls;
        this.clock = clock;
        this.peers = peers;
        this.clocks = clocks;
        this.pauses = pauses;
        // The doctor's DR005 check itself, so /healthz and doctor never disagree about the worker.
        this.worker = new WorkerCheck(new WorkerRuns(tx.dataSource()), settings.sweepInterval(),
                settings.heartbeatInterval(), hub.startedAt()).check();
    }

    /** Every reason that holds now, most severe first. */
    public List<HealthReason> reasons() {
        Instant now = clock.instant();
        List<HealthReason> found = new ArrayList<>();
        boolean database = databaseReachable();
        if (!database) {
            found.add(HealthReason.DATABASE_UNREACHABLE);
        }
        Instant notAfter = tls.current().notAfter();
        if (!now.isBefore(notAfter)) {
            found.add(HealthReason.TLS_CERT_EXPIRED);
        } else if (notAfter.isBefore(now.plus(TLS_EXPIRY_WARNING))) {
            found.add(HealthReason.TLS_CERT_EXPIRING_SOON);
        }
        if (database && workerStalled(now)) {
            found.add(HealthReason.WORKER_STALLED);
        }
        if (clocks.skewed().isPresent()) {
            found.add(HealthReason.CLOCK_SKEW);
        }
        if (database && partnerUnreachable()) {
            found.add(HealthReason.FEDERATION_PARTNER_UNREACHABLE);
        }
        if (database && !paused().isEmpty()) {
            found.add(HealthReason.AUTOMATION_PAUSED);
        }
        found.sort(null);
        return found;
    }

    /**
     * Whether a load balancer may send this hub requests: the start finished, PostgreSQL answers
     * and the served certificate is valid; else the first of those that is missing.
     */
    public Readiness readiness() {
        if (!hub.startupDone()) {
            return new Readiness("not_ready", "starting");
        }
        if (!databaseReachable()) {
            return new Readiness("not_ready", HealthReason.DATABASE_UNREACHABLE.code());
        }
        if (!clock.instant().isBefore(tls.current().notAfter())) {
            return new Readiness("not_ready", HealthReason.TLS_CERT_EXPIRED.code());
        }
        return new Readiness("ready", null);
    }

    private boolean databaseReachable() {
        try {
            return tx.read(c -> c.isValid(2));
        } catch (EntenteException | IllegalStateException e) {
            return false;
        }
    }

    private boolean workerStalled(Instant now) {
        try {
            return !worker.run(now).isEmpty();
        } catch (Exception e) {
            // the database went away between the probe and this read: that is already reported
            return false;
        }
    }

    /** The worker pauses in force now; none when the database cannot say. */
    public List<WorkerPause> paused() {
        try {
            return pauses.list(clock.instant());
        } catch (EntenteException | IllegalStateException e) {
            return List.of();
        }
    }

    private boolean partnerUnreachable() {
        try {
            return peers.countUnreachable() > 0;
        } catch (EntenteException | IllegalStateException e) {
            return false;
        }
    }
}
