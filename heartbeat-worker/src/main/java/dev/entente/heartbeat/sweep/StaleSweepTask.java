package dev.entente.heartbeat.sweep;

import dev.entente.federation.peer.StaleSweeper;
import dev.entente.federation.peer.SweepResult;
import dev.entente.heartbeat.schedule.Task;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;

/**
 * The stale sweep as a scheduled task: active peers whose last heartbeat is older than
 * stale-after become degraded. The sweeper re-checks the condition itself, so a double run
 * (two replicas, a misfire) marks nothing twice.
 */
public final class StaleSweepTask implements Task {
    public static final String NAME = "stale_sweep";
    private static final Logger LOG = LoggerFactory.getLogger(StaleSweepTask.class);
    private final StaleSweeper sweeper;
    private final Runnable beforeSweep;

    public StaleSweepTask(StaleSweeper sweeper) {
        this(sweeper, () -> { });
    }

    /**
     * @param beforeSweep run before each sweep: a hub writes the heartbeats it has buffered, since
     *                    they count and the sweep judges the stored ones
     */
    public StaleSweepTask(StaleSweeper sweeper, Runnable beforeSweep) {
        this.sweeper = sweeper;
        this.beforeSweep = beforeSweep;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant now) {
        beforeSweep.run();
        SweepResult r = sweeper.sweep(now);
        if (r.markedDegraded() > 0) {
            LOG.info("stale sweep: {} peer(s) degraded of {} examined in {} ms", r.markedDegraded(), r.examined(),
                    r.duration().toMillis());
        }
    }
}
