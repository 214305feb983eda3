package dev.entente.heartbeat.schedule;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The last run of one task as {@code worker_runs} records it: what doctor and metrics show as
 * "sweep last run and duration".
 *
 * @param task           task name
 * @param lastStartedAt  when the last run started
 * @param lastFinishedAt when the last finished run ended; null before the first one ends
 * @param lastDuration   how long the last finished run took; null before the first one ends
 * @param lastOutcome    how the last finished run ended; null before the first one ends
 * @param lastError      the last finished run's error; null unless it failed or was unregistered
 * @param runs           finished runs so far, on every replica together
 */
public record WorkerRun(String task, Instant lastStartedAt, Instant lastFinishedAt, Duration lastDuration,
                        RunOutcome lastOutcome, String lastError, long runs) {

    /** True while a run has started and not finished (or its replica died mid-run). */
    public boolean running() {
        return lastFinishedAt == null || lastStartedAt.isAfter(lastFinishedAt);
    }

    /** The last finished run's outcome, if any run has finished. */
    public Optional<RunOutcome> outcome() {
        return Optional.ofNullable(lastOutcome);
    }
}
