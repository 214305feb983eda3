package dev.entente.heartbeat.doctor;

import dev.entente.federation.doctor.Checks;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.heartbeat.schedule.WorkerRun;
import dev.entente.heartbeat.schedule.WorkerRuns;
import dev.entente.heartbeat.send.HeartbeatSendTask;
import dev.entente.heartbeat.sweep.StaleSweepTask;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * DR005: {@code worker_runs} says when the stale sweep and the heartbeat sender last started,
 * whichever replica ran them. Three missed intervals means no worker runs them at all.
 */
public final class WorkerCheck {
    /** A task that has not started within this many of its intervals is not running anywhere. */
    static final int MISSED_INTERVALS = 3;

    private final WorkerRuns runs;
    private final Duration sweepInterval;
    private final Duration heartbeatInterval;
    private final Instant startedAt;

    /**
     * @param startedAt when this hub process started: a hub that just started is not blamed for
     *                  tasks it has had no time to run
     */
    public WorkerCheck(WorkerRuns runs, Duration sweepInterval, Duration heartbeatInterval, Instant startedAt) {
        this.runs = runs;
        this.sweepInterval = sweepInterval;
        this.heartbeatInterval = heartbeatInterval;
        this.startedAt = startedAt;
    }

    public DoctorCheck check() {
        return Checks.of(DoctorCode.DR005, true, this::stalled);
    }

    private List<Finding> stalled(Instant now) {
        List<Finding> out = new ArrayList<>();
        task(now, StaleSweepTask.NAME, sweepInterval).ifPresent(out::add);
        task(now, HeartbeatSendTask.NAME, heartbeatInterval).ifPresent(out::add);
        return out;
    }

    private Optional<Finding> task(Instant now, String task, Duration interval) {
        Duration uptime = Duration.between(startedAt, now);
        Duration limit = interval.multipliedBy(MISSED_INTERVALS);
        Instant last = runs.find(task).map(WorkerRun::lastStartedAt).orElse(null);
        if (last == null) {
            // A hub that just started has not had the chance yet.
            if (uptime.compareTo(limit) <= 0) {
                return Optional.empty();
            }
            return Optional.of(Finding.of(DoctorCode.DR005, "task " + task + " has never run, and the hub has been up "
                    + Checks.human(uptime) + " (interval " + Checks.human(interval) + "); no worker is running",
                    "entente worker", task));
        }
        if (last.plus(limit).isBefore(now)) {
            return Optional.of(Finding.of(DoctorCode.DR005, "task " + task + " last started "
                    + Checks.human(Duration.between(last, now)) + " ago, more than " + MISSED_INTERVALS
                    + " intervals of " + Checks.human(interval) + "; no worker is running", "entente worker", task));
        }
        return Optional.empty();
    }
}
