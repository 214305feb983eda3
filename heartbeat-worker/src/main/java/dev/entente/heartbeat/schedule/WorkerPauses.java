package dev.entente.heartbeat.schedule;

import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import javax.sql.DataSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The {@code worker_pauses} table: which jobs an operator paused, by whom, why and until when.
 * {@link TaskRunner} asks it before every firing, on every replica and in {@code entente worker},
 * so a pause holds wherever the job would have run. A pause with a deadline ends at it by itself
 * (it is judged against the time asked about); {@link #endDue} then removes it and records the
 * hub event.
 */
public final class WorkerPauses {
    /** The job name that pauses every pausable job. */
    public static final String ALL = "*";
    /** The longest a pause with a deadline may last. */
    public static final Duration MAX_PAUSE = Duration.ofDays(30);

    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;
    private final Supplier<List<String>> jobs;

    /**
     * @param audit where pauses and resumes are recorded
     * @param jobs  the names of the jobs that can be paused, for checking what an operator names
     */
    public WorkerPauses(DataSource dataSource, AuditLog audit, Clock clock, Supplier<List<String>> jobs) {
        this.tx = new Tx(dataSource);
        this.audit = audit;
        this.clock = clock;
        this.jobs = jobs;
    }

    /** The names of the jobs that can be paused, sorted. */
    public List<String> jobs() {
        return jobs.get().stream().sorted().toList();
    }

    /** The pause that keeps {@code job} from running at {@code now}, if any: its own or one of every job. */
    public Optional<WorkerPause> pausing(String job, Instant now) {
        List<WorkerPause> live = list(now);
        return live.stream().filter(p -> p.job().equals(job)).findFirst()
                .or(() -> live.stream().filter(p -> p.job().equals(ALL)).findFirst());
    }

    /** The pauses in force at {@code now}, every job's first. */
    public List<WorkerPause> list(Instant now) {
        return tx.read(c -> {
            List<WorkerPause> out = new ArrayList<>();
            try (var ps = c.prepareStatement("SELECT job, paused_by, reason, paused_at, until FROM worker_pauses "
                    + "WHERE until IS NULL OR until > ? ORDER BY job = '*' DESC, job")) {
                ps.setTimestamp(1, Timestamp.from(now));
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(pause(rs));
                    }
                }
            }
            return out;
        });
    }

    /**
     * Pauses {@code job} (null: every pausable job) as {@code operator}, audited; with a
     * {@code lifetime}, until then. Pausing a paused job again replaces its pause (new reason,
     * new deadline).
     */
    public WorkerPause pause(String job, Duration lifetime, String reason, String operator) {
        String name = job == null ? ALL : check(job);
        if (reason == null || reason.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "pausing the worker needs --reason");
        }
        if (lifetime != null && (lifetime.isZero() || lifetime.isNegative() || lifetime.compareTo(MAX_PAUSE) > 0)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "a pause lasts more than 0 and at most 30d; "
                    + "leave --for out to pause until resumed", Map.of("field", "duration"));
        }
        Instant now = clock.instant();
        Instant until = lifetime == null ? null : now.plus(lifetime);
        return tx.inTransaction(c -> {
            try (var ps = c.prepareStatement("INSERT INTO worker_pauses (job, paused_by, reason, paused_at, until) "
                    + "VALUES (?, ?, ?, ?, ?) ON CONFLICT (job) DO UPDATE SET paused_by = EXCLUDED.paused_by, "
                    + "reason = EXCLUDED.reason, paused_at = EXCLUDED.paused_at, until = EXCLUDED.until")) {
                ps.setString(1, name);
                ps.setString(2, operator);
                ps.setString(3, reason);
                ps.setTimestamp(4, Timestamp.from(now));
                ps.setTimestamp(5, until == null ? null : Timestamp.from(until));
                ps.executeUpdate();
            }
            AuditDetails details = AuditDetails.of();
            details.put("job", name);
            details.put("reason", reason);
            if (until != null) {
                details.put("until", until.toString());
            }
            audit.append(c, AuditEvent.of(AuditEventType.WORKER_PAUSED, operator, name, details));
            return new WorkerPause(name, operator, reason, now.toString(), until == null ? null : until.toString());
        });
    }

    /**
     * Resumes {@code job}'s own pause (null: every pause) as {@code operator}, audited per pause
     * ended. Resuming what is not paused is a no-op. A job paused by a pause of every job stays
     * paused until that one is resumed.
     *
     * @return the pauses still in force afterwards
     */
    public List<WorkerPause> resume(String job, String operator) {
        String name = job == null ? null : job.equals(ALL) ? ALL : check(job);
        Instant now = clock.instant();
        tx.inTransaction(c -> {
            List<WorkerPause> ended = new ArrayList<>();
            try (var ps = c.prepareStatement("DELETE FROM worker_pauses" + (name == null ? "" : " WHERE job = ?")
                    + " RETURNING job, paused_by, reason, paused_at, until")) {
                if (name != null) {
                    ps.setString(1, name);
                }
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ended.add(pause(rs));
                    }
                }
            }
            for (WorkerPause p : ended) {
                if (p.until() == null || Instant.parse(p.until()).isAfter(now)) {
                    audit.append(c, AuditEvent.of(AuditEventType.WORKER_RESUMED, operator, p.job(),
                            Map.of("job", p.job(), "paused_by", p.pausedBy(), "reason", p.reason())));
                }
            }
            return ended.size();
        });
        return list(now);
    }

    /**
     * Removes every pause whose deadline is at or before {@code now}, with a hub event each. Safe
     * to run twice and on several replicas: a pause already removed is not there to remove.
     *
     * @return how many pauses ended
     */
    public int endDue(Instant now) {
        return tx.inTransaction(c -> {
            List<WorkerPause> ended = new ArrayList<>();
            try (var ps = c.prepareStatement("DELETE FROM worker_pauses WHERE until <= ? "
                    + "RETURNING job, paused_by, reason, paused_at, until")) {
                ps.setTimestamp(1, Timestamp.from(now));
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ended.add(pause(rs));
                    }
                }
            }
            for (WorkerPause p : ended) {
                audit.append(c, AuditEvent.of(EventSource.WORKER, AuditEventType.WORKER_RESUMED, p.job(),
                        Map.of("job", p.job(), "paused_by", p.pausedBy(), "reason", p.reason(), "deadline", p.until())));
            }
            return ended.size();
        });
    }

    private String check(String job) {
        List<String> valid = jobs();
        if (!valid.contains(job)) {
            throw new EntenteException(ErrorCode.WORKER_JOB_UNKNOWN, "no worker job " + job + " can be paused; the jobs are "
                    + String.join(", ", valid) + " (leave --job out for all of them)", Map.of("valid_jobs", valid));
        }
        return job;
    }

    private static WorkerPause pause(ResultSet rs) throws SQLException {
        Timestamp until = rs.getTimestamp(5);
        return new WorkerPause(rs.getString(1), rs.getString(2), rs.getString(3), rs.getTimestamp(4).toInstant().toString(),
                until == null ? null : until.toInstant().toString());
    }
}
