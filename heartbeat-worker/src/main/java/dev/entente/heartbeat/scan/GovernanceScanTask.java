package dev.entente.heartbeat.scan;

import dev.entente.heartbeat.schedule.Task;

import java.time.Clock;
import java.time.Instant;

/**
 * The governance scan once per interval. It judges the conditions at the hub's clock, not at the
 * firing time: the conditions are the doctor's, and doctor judges them against the hub's clock;
 * judging them against another time would open and resolve findings the doctor disagrees with.
 */
public final class GovernanceScanTask implements Task {
    public static final String NAME = "governance_scan";
    private final GovernanceScan scan;
    private final Clock clock;

    public GovernanceScanTask(GovernanceScan scan, Clock clock) {
        this.scan = scan;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant firedAt) throws Exception {
        scan.scan(clock.instant());
    }
}
