package dev.entente.controlplane.doctor;

import dev.entente.controlplane.hub.EmbeddedDatabase;
import dev.entente.federation.doctor.Checks;
import dev.entente.federation.doctor.Doctor;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationInfoService;
import org.flywaydb.core.api.MigrationState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Checks of the hub's database, which only the shell knows: the pool, the migrations, the embedded PostgreSQL. */
public final class DatabaseChecks {
    private final Tx tx;
    private final EmbeddedDatabase embedded;

    /** @param embedded the embedded database, or null when the hub runs on {@code --db-url} */
    public DatabaseChecks(Tx tx, EmbeddedDatabase embedded) {
        this.tx = tx;
        this.embedded = embedded;
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
                Checks.of(DoctorCode.DR018, false, this::databaseRestarts),
                Checks.of(DoctorCode.DR019, false, this::durability));
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
