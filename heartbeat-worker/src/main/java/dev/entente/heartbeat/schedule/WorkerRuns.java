package dev.entente.heartbeat.schedule;

import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code worker_runs} table: the last start, end, duration, outcome and error of every
 * task, whichever replica ran it. {@link TaskRunner} writes it; doctor and metrics read it.
 *
 * <p>With an audit log, a task that starts failing (or recovers) leaves a {@code worker.task_failed}
 * ({@code worker.task_recovered}) event from source {@code worker}: once per change, not per run,
 * so a task failing every minute for a day is one event, not 1,440.
 */
public final class WorkerRuns {
    /** Errors are kept short: the log has the stack trace, the table only says what broke. */
    static final int MAX_ERROR_CHARS = 2000;

    private static final String COLUMNS =
            "task, last_started_at, last_finished_at, last_duration_ms, last_outcome, last_error, runs";

    private final Tx tx;
    private final AuditLog audit;

    public WorkerRuns(DataSource dataSource) {
        this(dataSource, null);
    }

    /** @param audit where failures and recoveries are recorded; null records none */
    public WorkerRuns(DataSource dataSource, AuditLog audit) {
        this.tx = new Tx(dataSource);
        this.audit = audit;
    }

    /** Records that a run of {@code task} started; the row is created on the first run. */
    public void recordStart(String task, Instant startedAt) {
        tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO worker_runs (task, last_started_at) VALUES (?, ?)
                    ON CONFLICT (task) DO UPDATE SET last_started_at = EXCLUDED.last_started_at""")) {
                ps.setString(1, task);
                ps.setObject(2, utc(startedAt));
                return ps.executeUpdate();
            }
        });
    }

    /** A stepped wall clock re-timed the scheduled tasks: audited, as it explains a gap or a burst of runs. */
    public void recordClockStep(Duration step, int retimedTasks) {
        if (audit == null) {
            return;
        }
        // Audit details are free-form JSON, their members chosen per event type.
        AuditDetails details = AuditDetails.of()
                .put("step_ms", step.toMillis())
                .put("direction", step.isNegative() ? "back" : "ahead")
                .put("retimed_tasks", retimedTasks);
        try {
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(EventSource.WORKER, AuditEventType.WORKER_CLOCK_STEPPED,
                    "worker", details)));
        } catch (RuntimeException e) {
            // the re-timing stands; the log already says what happened
            org.slf4j.LoggerFactory.getLogger(WorkerRuns.class).warn("cannot audit the clock step: {}", e.getMessage());
        }
    }

    /**
     * Records how a run of {@code task} ended and counts it. Upserts, so a run whose start
     * could not be recorded (database blip) still shows up.
     */
    public void recordFinish(String task, Instant startedAt, Instant finishedAt, Duration duration,
                             RunOutcome outcome, String error) {
        tx.inTransaction(c -> {
            String before = null;
            // A skipped run of a paused task says nothing about whether the task works.
            if (audit != null && outcome != RunOutcome.PAUSED) {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT last_outcome FROM worker_runs WHERE task = ? FOR UPDATE")) {
                    ps.setString(1, task);
                    try (ResultSet rs = ps.executeQuery()) {
                        before = rs.next() ? rs.getString(1) : null;
                    }
                }
                boolean wasOk = before == null || before.equals(RunOutcome.OK.code()) || before.equals(RunOutcome.PAUSED.code());
                if (wasOk != (outcome == RunOutcome.OK)) {
                    // audit details: free-form JSON, as above
                    AuditDetails details = AuditDetails.of("outcome", outcome.code())
                            .put("previous_outcome", before)
                            .putIfPresent("error", error == null ? null : truncate(error));
                    AuditEventType type = outcome == RunOutcome.OK
                            ? AuditEventType.WORKER_TASK_RECOVERED : AuditEventType.WORKER_TASK_FAILED;
                    audit.append(c, AuditEvent.of(EventSource.WORKER, type, task, details));
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO worker_runs (task, last_started_at, last_finished_at, last_duration_ms,
                                             last_outcome, last_error, runs)
                    VALUES (?, ?, ?, ?, ?, ?, 1)
                    ON CONFLICT (task) DO UPDATE SET
                        last_finished_at = EXCLUDED.last_finished_at,
                        last_duration_ms = EXCLUDED.last_duration_ms,
                        last_outcome = EXCLUDED.last_outcome,
                        last_error = EXCLUDED.last_error,
                        runs = worker_runs.runs + 1""")) {
                ps.setString(1, task);
                ps.setObject(2, utc(startedAt));
                ps.setObject(3, utc(finishedAt));
                ps.setLong(4, Math.max(0, duration.toMillis()));
                ps.setString(5, outcome.code());
                ps.setString(6, truncate(error));
                return ps.executeUpdate();
            }
        });
    }

    /** The last run of {@code task}, if it ever started. */
    public Optional<WorkerRun> find(String task) {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM worker_runs WHERE task = ?")) {
                ps.setString(1, task);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(map(rs)) : Optional.empty();
                }
            }
        });
    }

    /** The last run of every task that ever started, by task name. */
    public List<WorkerRun> all() {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM worker_runs ORDER BY task");
                 ResultSet rs = ps.executeQuery()) {
                List<WorkerRun> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(map(rs));
                }
                return out;
            }
        });
    }

    private static WorkerRun map(ResultSet rs) throws SQLException {
        long durationMs = rs.getLong("last_duration_ms");
        Duration duration = rs.wasNull() ? null : Duration.ofMillis(durationMs);
        String outcome = rs.getString("last_outcome");
        return new WorkerRun(rs.getString("task"),
                instant(rs.getObject("last_started_at", OffsetDateTime.class)),
                instant(rs.getObject("last_finished_at", OffsetDateTime.class)),
                duration,
                outcome == null ? null : RunOutcome.fromCode(outcome),
                rs.getString("last_error"),
                rs.getLong("runs"));
    }

    private static OffsetDateTime utc(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static String truncate(String s) {
        return s == null || s.length() <= MAX_ERROR_CHARS ? s : s.substring(0, MAX_ERROR_CHARS);
    }
}
