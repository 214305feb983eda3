package dev.entente.controlplane.doctor;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.controlplane.hub.EmbeddedDatabase;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.federation.doctor.Checks;
import dev.entente.federation.doctor.Doctor;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import dev.entente.lifecycle.doctor.Severity;
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
import java.util.function.IntSupplier;

/**
 * Checks of the hub process itself, which only the shell knows: database, migrations, TLS
 * certificate, listener, embedded PostgreSQL.
 */
public final class HubChecks {
    /** A certificate expiring within this window is a warning: time to rotate without a rush. */
    static final Duration TLS_EXPIRY_WARNING = Duration.ofDays(30);

    private final Tx tx;
    private final HubSettings settings;
    private final TlsState tls;
    private final PeerRepository peers;
    private final EmbeddedDatabase embedded;
    private final IntSupplier boundPort;

    /**
     * @param embedded  the embedded database, or null when the hub runs on {@code --db-url}
     * @param boundPort the port the listener got (known once the server is up)
     */
    public HubChecks(Tx tx, HubSettings settings, TlsState tls, PeerRepository peers, EmbeddedDatabase embedded,
                     IntSupplier boundPort) {
        this.tx = tx;
        this.settings = settings;
        this.tls = tls;
        this.peers = peers;
        this.embedded = embedded;
        this.boundPort = boundPort;
    }

    /** DR001: a connection from the pool answers {@code isValid} within 2 s. */
    private List<Finding> database(Instant now) {
        String problem;
        try {
            problem = tx.read(c -> c.isValid(2)) ? null : "a pooled connection did not validate within 2s";
        } catch (RuntimeException e) {
            problem = rootMessage(e);
        }
        if (problem == null) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR001, "PostgreSQL (" + (embedded == null ? "external" : "embedded") + ") is unreachable: " + problem,
                "entente doctor --explain DR001", null));
    }

    /** DR002: Flyway's view of the schema against the migrations bundled in this binary. */
    private List<Finding> migrations(Instant now) {
        MigrationInfoService info = Flyway.configure().dataSource(tx.dataSource())
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
    }

    /** DR003: the served certificate's not-after against now. In memory: works with the database down. */
    private List<Finding> tlsExpiry(Instant now) {
        TlsKey current = tls.current();
        Instant notAfter = current.notAfter();
        if (!notAfter.isAfter(now)) {
            return List.of(Finding.of(DoctorCode.DR003, "the hub's TLS certificate expired at " + notAfter
                    + " (" + Checks.human(Duration.between(notAfter, now)) + " ago); peers and the CLI refuse it",
                    "entente tls rotate", current.fingerprint()).withSeverity(Severity.ERROR));
        }
        if (notAfter.isBefore(now.plus(TLS_EXPIRY_WARNING))) {
            return List.of(Finding.of(DoctorCode.DR003, "the hub's TLS certificate expires at " + notAfter
                    + ", in " + Checks.human(Duration.between(now, notAfter)), "entente tls rotate", current.fingerprint()));
        }
        return List.of();
    }

    /**
     * DR004: bound to loopback while a live peer is, or will be, elsewhere. A proposed peer's
     * address is not known yet, and it will dial our public URL, which loopback makes unreachable.
     */
    private List<Finding> loopback(Instant now) {
        if (!settings.loopbackOnly()) {
            return List.of();
        }
        List<String> remote = new ArrayList<>();
        for (Peer p : peers.list()) {
            if (p.state() != PeerState.REVOKED && !isLoopback(p.url())) {
                remote.add(p.name());
            }
        }
        if (remote.isEmpty()) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR004, "the hub listens on " + listening() + " only, but peer(s) "
                        + String.join(", ", remote) + " must reach it from another machine",
                "entente start --bind 0.0.0.0 --port " + boundPort.getAsInt(), settings.bind()));
    }

    /**
     * DR018: restarts of the embedded server the watchdog made in the last 24 hours. The hub
     * recovered by itself; the finding is there so that an operator asks why the server died.
     */
    private List<Finding> databaseRestarts(Instant now) {
        EmbeddedDatabase db = embedded;
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
    }

    /** DR019: the embedded server runs with fsync and synchronous commit off. */
    private List<Finding> durability(Instant now) {
        EmbeddedDatabase db = embedded;
        if (db == null || db.options().durable()) {
            return List.of();
        }
        return List.of(Finding.of(DoctorCode.DR019, "the embedded PostgreSQL runs with fsync and synchronous commit off "
                + "(entente.database.durable=false): a power loss can lose acknowledged changes; never run a real hub like this",
                "entente doctor --explain DR019", null));
    }

    /** The checks, registered with the federation's in {@link Doctor#of}. */
    public List<DoctorCheck> all() {
        return List.of(Checks.of(DoctorCode.DR001, false, this::database),
                Checks.of(DoctorCode.DR002, true, this::migrations),
                Checks.of(DoctorCode.DR003, false, this::tlsExpiry),
                Checks.of(DoctorCode.DR004, true, this::loopback),
                Checks.of(DoctorCode.DR018, false, this::databaseRestarts),
                Checks.of(DoctorCode.DR019, false, this::durability));
    }

    private String listening() {
        String bind = settings.bind();
        return (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + boundPort.getAsInt();
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
