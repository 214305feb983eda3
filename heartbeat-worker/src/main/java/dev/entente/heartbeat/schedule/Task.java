package dev.entente.heartbeat.schedule;

import java.time.Instant;

/**
 * One periodic piece of worker work (heartbeat send, stale sweep, expiry, ...), as a plain
 * object that knows nothing of Quartz.
 *
 * <p>Quartz guarantees one firing per interval across the cluster, but a replica that dies
 * mid-run can have that firing recovered and run again elsewhere, so a task re-checks its
 * conditions on every run and is safe to run twice.
 */
public interface Task {
    /** The unique name the task is registered and scheduled under, e.g. {@code heartbeat-sweep}. */
    String name();

    /**
     * Does one run.
     *
     * @param now the firing's scheduled time: the same on whichever replica runs it, so it can
     *            serve as an idempotency key and makes time checks ({@code isStale(now)}) repeatable
     * @throws Exception any failure; it is recorded in {@code worker_runs} and the task stays scheduled
     */
    void run(Instant now) throws Exception;

    /**
     * Whether {@code entente worker pause} can stop this task. The tasks that end temporary
     * changes cannot be paused: a pause must not keep itself, or a lowered policy, in force.
     */
    default boolean pausable() {
        return true;
    }
}
