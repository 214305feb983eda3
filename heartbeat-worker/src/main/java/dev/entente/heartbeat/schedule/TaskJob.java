package dev.entente.heartbeat.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Date;

/**
 * The Quartz shell around {@link TaskRunner}: looks the task up by name and runs it with the
 * firing's scheduled time.
 *
 * <p>{@link DisallowConcurrentExecution} holds across the cluster (Quartz blocks the job's
 * triggers in the database while it runs), so a slow run is never overlapped by the next
 * firing on another replica; the firings it outlasts are coalesced into one, not queued: a firing
 * whose next slot is already due when it starts does not run ({@link TaskRunner#superseded}).
 * Quartz builds it through {@link WorkerJobFactory}, which injects the runner.
 */
@DisallowConcurrentExecution
public final class TaskJob implements Job {
    /** Job data key naming the task to run; defaults to the job's name. */
    public static final String TASK_KEY = "task";
    private static final Logger LOG = LoggerFactory.getLogger(TaskJob.class);

    private final TaskRunner runner;

    public TaskJob(TaskRunner runner) {
        this.runner = runner;
    }

    @Override
    public void execute(JobExecutionContext context) {
        String task = context.getMergedJobDataMap().getString(TASK_KEY);
        if (task == null) {
            task = context.getJobDetail().getKey().getName();
        }
        Date next = context.getNextFireTime();
        if (TaskRunner.superseded(next == null ? null : next.toInstant(), Instant.now())) {
            // Quartz fires a trigger that fell behind by less than the misfire threshold once per
            // missed slot, back to back (after a pause, a stall, or a dead replica's firings
            // recovered by a survivor: issue 11 saw the sweep run 5 times in 10 s). Only the
            // newest of those runs; each task re-checks its conditions, so one catch-up is enough.
            LOG.debug("task {}: firing of {} coalesced into the next one, due at {}", task,
                    context.getScheduledFireTime().toInstant(), next.toInstant());
            return;
        }
        // the runner catches and records everything: throwing here would only make Quartz log twice
        runner.run(task, context.getScheduledFireTime().toInstant());
    }
}
