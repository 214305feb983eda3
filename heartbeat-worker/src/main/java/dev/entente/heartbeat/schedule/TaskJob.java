package dev.entente.heartbeat.schedule;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/**
 * The Quartz shell around {@link TaskRunner}: looks the task up by name and runs it with the
 * firing's scheduled time.
 *
 * <p>{@link DisallowConcurrentExecution} holds across the cluster (Quartz blocks the job's
 * triggers in the database while it runs), so a slow run is never overlapped by the next
 * firing on another replica; the firings it outlasts are dropped as misfires, not queued.
 * Quartz builds it through {@link WorkerJobFactory}, which injects the runner.
 */
@DisallowConcurrentExecution
public final class TaskJob implements Job {
    /** Job data key naming the task to run; defaults to the job's name. */
    public static final String TASK_KEY = "task";

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
        // the runner catches and records everything: throwing here would only make Quartz log twice
        runner.run(task, context.getScheduledFireTime().toInstant());
    }
}
