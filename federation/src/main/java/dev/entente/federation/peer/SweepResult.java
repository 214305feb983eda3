package dev.entente.federation.peer;

import java.time.Duration;

/**
 * What one stale sweep did (for the job's log line and the sweep metrics).
 *
 * @param examined         stale-looking active peers the sweep looked at
 * @param markedDegraded   peers it moved to degraded
 * @param conflictsSkipped peers it left alone because something else got there first: a
 *                         concurrent sweep, a heartbeat that arrived meanwhile, an operator's move
 * @param duration         how long the sweep took
 */
public record SweepResult(int examined, int markedDegraded, int conflictsSkipped, Duration duration) {
}
