package dev.entente.federation.peer;

import java.time.Duration;

/**
 * What one stale sweep did (for the job's log line and the sweep metrics).
 *
 * @param examined         active peers that looked stale when the sweep began
 * @param markedDegraded   peers it moved to degraded
 * @param conflictsSkipped peers it left alone because something else got there first: a
 *                         concurrent sweep, a heartbeat that arrived meanwhile, an operator's move
 * @param duration         how long the sweep took
 * @param batches          set-based batches that marked at least one peer (one audit event each)
 */
public record SweepResult(int examined, int markedDegraded, int conflictsSkipped, Duration duration, int batches) {

    /** Without the batch count (the shape before sweeps were set-based). */
    public SweepResult(int examined, int markedDegraded, int conflictsSkipped, Duration duration) {
        this(examined, markedDegraded, conflictsSkipped, duration, 0);
    }
}
