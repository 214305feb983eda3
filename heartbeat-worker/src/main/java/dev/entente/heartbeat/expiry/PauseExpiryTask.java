package dev.entente.heartbeat.expiry;

import dev.entente.heartbeat.schedule.Task;
import dev.entente.heartbeat.schedule.WorkerPauses;

import java.time.Clock;
import java.time.Instant;

/**
 * Ends worker pauses at their deadline ({@code worker pause --for}), recording a hub event for
 * each. The paused jobs already run again from the deadline on (a pause is judged against the
 * time); this removes the pause. It cannot be paused itself, or a pause of every job would
 * never end.
 */
public final class PauseExpiryTask implements Task {
    public static final String NAME = "pause_expiry";
    private final WorkerPauses pauses;
    private final Clock clock;

    /** @param clock the hub's clock, which set the deadlines; not the scheduler's fire time */
    public PauseExpiryTask(WorkerPauses pauses, Clock clock) {
        this.pauses = pauses;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant firedAt) {
        pauses.endDue(clock.instant());
    }

    @Override
    public boolean pausable() {
        return false;
    }
}
