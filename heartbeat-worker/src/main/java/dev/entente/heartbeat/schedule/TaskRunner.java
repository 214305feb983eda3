package dev.entente.heartbeat.schedule;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Runs one firing of a named task and records it in {@code worker_runs}: the plain, testable
 * class behind the {@link TaskJob} shell.
 *
 * <p>It never throws: a failing run is logged and recorded, and the next firing comes as
 * scheduled. Failing to record (database blip) is logged too, and does not fail the run.
 */
public final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    private final TaskRegistry tasks;
    private final WorkerRuns runs;
    private final Clock clock;
    private final WorkerPauses pauses;

    /** @param pauses what operators paused: a paused task's firing is skipped and recorded as such */
    public TaskRunner(TaskRegistry tasks, WorkerRuns runs, Clock clock, WorkerPauses pauses) {
        this.tasks = tasks;
        this.runs = runs;
        this.clock = clock;
        this.pauses = pauses;
    }

    /**
     * Whether a firing that starts at {@code now} is a stale catch-up: its trigger's next slot,
     * {@code nextFireTime}, is already due, so a newer firing follows at once and this one would
     * only repeat it. Misfires within the threshold come out of Quartz as such back-to-back
     * firings, one per missed slot; skipping all but the newest coalesces them into one run.
     *
     * @param nextFireTime the trigger's next fire time after this firing; null when there is none
     *                     (the last firing of a finite trigger always runs)
     */
    public static boolean superseded(Instant nextFireTime, Instant now) {
        return nextFireTime != null && !nextFireTime.isAfter(now);
    }

    /**
     * Runs the task registered as {@code name} for the firing scheduled at {@code scheduledAt}.
     *
     * @return how the run ended
     */
    public RunOutcome run(String name, Instant scheduledAt) {
        Instant startedAt = clock.instant();
        long t0 = System.nanoTime();
        record(name, () -> runs.recordStart(name, startedAt));

        Optional<Task> task = tasks.find(name);
        RunOutcome outcome;
        String error = null;
        if (task.isEmpty()) {
            // another replica registered this job; this one (older or configured differently)
            // won the firing but cannot run it: say so where doctor looks
            outcome = RunOutcome.UNREGISTERED;
            error = "no task named " + name + " is registered on this replica; run the same version and configuration on every replica";
            LOG.warn("task {}: {}", name, error);
        } else if (paused(task.get(), startedAt)) {
            outcome = RunOutcome.PAUSED;
        } else {
            try {
                task.get().run(scheduledAt);
                outcome = RunOutcome.OK;
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                outcome = RunOutcome.FAILED;
                error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
                LOG.warn("task {} failed for the firing at {}; it stays scheduled", name, scheduledAt, e);
            }
        }

        Duration duration = Duration.ofNanos(System.nanoTime() - t0);
        Instant finishedAt = startedAt.plus(duration);
        RunOutcome finalOutcome = outcome;
        String finalError = error;
        record(name, () -> runs.recordFinish(name, startedAt, finishedAt, duration, finalOutcome, finalError));
        return outcome;
    }

    // Read before every firing, so a pause made on any replica holds on the next one. When the
    // pause cannot be read (database blip) the task runs, as it would have without pauses: it
    // needs the database itself and fails or succeeds on its own terms.
    private boolean paused(Task task, Instant now) {
        if (!task.pausable()) {
            return false;
        }
        try {
            return pauses.pausing(task.name(), now).map(p -> {
                LOG.info("task {} skipped: {}", task.name(), p.describe());
                return true;
            }).orElse(false);
        } catch (RuntimeException e) {
            LOG.warn("task {}: cannot read worker pauses: {}", task.name(), e.getMessage());
            return false;
        }
    }

    private static void record(String name, Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            LOG.warn("task {}: cannot record the run in worker_runs: {}", name, e.getMessage());
        }
    }
}
