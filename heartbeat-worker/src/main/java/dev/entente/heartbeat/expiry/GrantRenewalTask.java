package dev.entente.heartbeat.expiry;

import dev.entente.heartbeat.schedule.Task;

import java.time.Clock;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Extends auto-renewing grants of active peers at two thirds of their term, up to their maximum
 * lifetime ({@code GrantLifecycle#renewDue}); a grant of a suspended or degraded peer is left to
 * lapse at its expiry. Terms are judged at the hub's clock, not the firing time: the term started
 * at the hub's clock when the grant was issued or renewed, and doctor's DR017 reads it the same
 * way. Renews in time as long as the interval is shorter than a third of the shortest term.
 */
public final class GrantRenewalTask implements Task {
    public static final String NAME = "grant_renewal";
    private final Consumer<Instant> renewDue;
    private final Clock clock;

    /** @param renewDue renews what is due at the instant it is given */
    public GrantRenewalTask(Consumer<Instant> renewDue, Clock clock) {
        this.renewDue = renewDue;
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant firedAt) {
        renewDue.accept(clock.instant());
    }
}
