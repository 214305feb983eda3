package dev.entente.controlplane.doctor;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.controlplane.hub.EmbeddedDatabase;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerState;
import dev.entente.heartbeat.schedule.WorkerRun;
import dev.entente.heartbeat.schedule.WorkerRuns;
import dev.entente.heartbeat.send.HeartbeatSendTask;
import dev.entente.heartbeat.sweep.StaleSweepTask;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Checks of the hub itself: database, migrations, TLS certificate, listener, background worker. */
final class HubChecks {
    /** A certificate expiring within this window is a warning: time to rotate without a rush. */
    static final Duration TLS_EXPIRY_WARNING = Duration.ofDays(30);
    /** A task that has not started within this many of its intervals is not running anywhere. */
    static final int MISSED_INTERVALS = 3;

    private HubChecks() {
    }

    /** DR001: a connection from the pool answers {@code isValid} within 2 s. */
    static final DoctorCheck DATABASE = Checks.of(DoctorCode.DR001, false, (hub, now) -> {
        String problem;
        try {
            problem = hub.tx().read(c -> c.isValid(2)) ? null : "a pooled connection did not validate within 2s";
        } catch (RuntimeException e) {
            problem = rootMessage(e);
        }
        if (problem == null) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR001, "PostgreSQL (" + hub.databaseKind() + ") is unreachable: " + problem,
                "entente doctor --explain DR001", null));
    });

    /** DR002: Flyway's view of the schema against the migrations bundled in this binary. */
    static final DoctorCheck MIGRATIONS = Checks.of(DoctorCode.DR002, true, (hub, now) -> {
        MigrationInfoService info = Flyway.configure().dataSource(hub.tx().dataSource())
                .locations("classpath:db/migration").load().info();
        List<Finding> out = new ArrayList<>();
        MigrationInfo[] pending = info.pending();
        if (pending.length > 0) {
            out.add(Finding.of(DoctorCode.DR002, pending.length + " migration(s) not applied: "
                    + versions(Arrays.asList(pending)) + "; the database is behind this binary",
                    "entente doctor --explain DR002", versions(Arrays.asList(pending))));
        }
        List<MigrationInfo> future = Arrays.stream(info.all())
                .filter(m -> m.getState() == MigrationState.FUTURE_SUCCESS || m.getState() == MigrationState.FUTURE_FAILED)
                .toList();
        if (!future.isEmpty()) {
            out.add(Finding.of(DoctorCode.DR002, "the database has migration(s) " + versions(future)
                    + " this binary does not know; a newer hub migrated it", "entente doctor --explain DR002", versions(future)));
        }
        List<MigrationInfo> failed = Arrays.stream(info.all()).filter(m -> m.getState().isFailed()).toList();
        if (!failed.isEmpty()) {
            out.add(Finding.of(DoctorCode.DR002, "migration(s) " + versions(failed) + " failed half-way",
                    "entente doctor --explain DR002", versions(failed)));
        }
        return out;
    });

    /** DR003: the served certificate's not-after against now. In memory: works with the database down. */
    static final DoctorCheck TLS_EXPIRY = Checks.of(DoctorCode.DR003, false, (hub, now) -> {
        TlsKey tls = hub.tls().current();
        Instant notAfter = tls.notAfter();
        if (!notAfter.isAfter(now)) {
            return List.of(Finding.of(DoctorCode.DR003, "the hub's TLS certificate expired at " + notAfter
                    + " (" + Checks.human(Duration.between(notAfter, now)) + " ago); peers and the CLI refuse it",
                    "entente tls rotate", tls.fingerprint()).withSeverity(Severity.ERROR));
        }
        if (notAfter.isBefore(now.plus(TLS_EXPIRY_WARNING))) {
            return List.of(Finding.of(DoctorCode.DR003, "the hub's TLS certificate expires at " + notAfter
                    + ", in " + Checks.human(Duration.between(now, notAfter)), "entente tls rotate", tls.fingerprint()));
        }
        return List.of();
    });

    /**
     * DR004: bound to loopback while a live peer is, or will be, elsewhere. A proposed peer's
     * address is not known yet, and it will dial our public URL, which loopback makes unreachable.
     */
    static final DoctorCheck LOOPBACK = Checks.of(DoctorCode.DR004, true, (hub, now) -> {
        if (!hub.settings().loopbackOnly()) {
            return List.of();
        }
        List<String> remote = new ArrayList<>();
        for (Peer p : hub.federation().peers().list()) {
            if (p.state() != PeerState.REVOKED && !isLoopback(p.url())) {
                remote.add(p.name());
            }
        }
        if (remote.isEmpty()) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR004, "the hub listens on " + hub.listening() + " only, but peer(s) "
                        + String.join(", ", remote) + " must reach it from another machine",
                "entente start --bind 0.0.0.0 --port " + hub.boundPort(), hub.settings().bind()));
    });

    /**
     * DR005: {@code worker_runs} says when the stale sweep and the heartbeat sender last started,
     * whichever replica ran them. Three missed intervals means no worker runs them at all.
     */
    static final DoctorCheck WORKER = Checks.of(DoctorCode.DR005, true, (hub, now) -> {
        WorkerRuns runs = new WorkerRuns(hub.tx().dataSource());
        List<Finding> out = new ArrayList<>();
        task(hub, now, runs, StaleSweepTask.NAME, hub.settings().sweepInterval()).ifPresent(out::add);
        task(hub, now, runs, HeartbeatSendTask.NAME, hub.settings().heartbeatInterval()).ifPresent(out::add);
        return out;
    });

    private static Optional<Finding> task(DoctorContext hub, Instant now, WorkerRuns runs, String task, Duration interval) {
        Duration limit = interval.multipliedBy(MISSED_INTERVALS);
        Optional<WorkerRun> run = runs.find(task);
        Instant last = run.map(WorkerRun::lastStartedAt).orElse(null);
        if (last == null) {
            // A hub that just started has not had the chance yet.
            if (hub.uptime().compareTo(limit) <= 0) {
                return Optional.empty();
            }
            return Optional.of(Finding.of(DoctorCode.DR005, "task " + task + " has never run, and the hub has been up "
                    + Checks.human(hub.uptime()) + " (interval " + Checks.human(interval) + "); no worker is running",
                    "entente worker", task));
        }
        if (last.plus(limit).isBefore(now)) {
            return Optional.of(Finding.of(DoctorCode.DR005, "task " + task + " last started "
                    + Checks.human(Duration.between(last, now)) + " ago, more than " + MISSED_INTERVALS
                    + " intervals of " + Checks.human(interval) + "; no worker is running", "entente worker", task));
        }
        return Optional.empty();
    }

    /**
     * DR018: restarts of the embedded server the watchdog made in the last 24 hours. The hub
     * recovered by itself; the finding is there so that an operator asks why the server died.
     */
    static final DoctorCheck DATABASE_RESTARTS = Checks.of(DoctorCode.DR018, false, (hub, now) -> {
        EmbeddedDatabase db = hub.embeddedDatabase();
        if (db == null) {
            return List.of();
        }
        List<EmbeddedDatabase.Restart> recent = db.restarts().stream()
                .filter(r -> r.at().isAfter(now.minus(Duration.ofHours(24)))).toList();
        if (recent.isEmpty()) {
            return List.of();
        }
        EmbeddedDatabase.Restart last = recent.get(recent.size() - 1);
        return List.of(Finding.of(DoctorCode.DR018, "the embedded PostgreSQL died " + recent.size()
                + " time(s) in the last 24h and was started again (last " + Checks.human(Duration.between(last.at(), now))
                + " ago, down " + last.downtime().toMillis() + " ms); find out why in " + db.directory().resolve("postmaster.log"),
                "entente events --source hub --type database.restarted", Integer.toString(recent.size())));
    });

    /** DR019: the embedded server runs with fsync and synchronous commit off. */
    static final DoctorCheck DURABILITY = Checks.of(DoctorCode.DR019, false, (hub, now) -> {
        EmbeddedDatabase db = hub.embeddedDatabase();
        if (db == null || db.options().durable()) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR019, "the embedded PostgreSQL runs with fsync and synchronous commit off "
                + "(entente.database.durable=false): a power loss can lose acknowledged changes; never run a real hub like this",
                "entente doctor --explain DR019", null));
    });

    static List<DoctorCheck> all() {
        return List.of(DATABASE, MIGRATIONS, TLS_EXPIRY, LOOPBACK, WORKER, DATABASE_RESTARTS, DURABILITY);
    }

    private static boolean isLoopback(String url) {
        if (url == null) {
            return false;
        }
        try {
            String host = URI.create(url).getHost();
            if (host == null) {
                return false;
            }
            if (host.equals("localhost")) {
                return true;
            }
            String literal = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            // Only literals: resolving a name here would make doctor depend on DNS.
            if (!literal.matches("[0-9.]+|[0-9a-fA-F:]+")) {
                return false;
            }
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    private static String versions(List<MigrationInfo> infos) {
        return String.join(",", infos.stream().map(m -> "V" + m.getVersion()).toList());
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return String.valueOf(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
    }
}
