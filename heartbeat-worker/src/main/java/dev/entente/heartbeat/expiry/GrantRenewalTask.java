package dev.entente.heartbeat.expiry;

import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.heartbeat.schedule.Task;

import java.time.Instant;

/**
 * Extends auto-renewing grants of active peers at two thirds of their term, up to their maximum
 * lifetime; a grant of a suspended or degraded peer is left to lapse at its expiry. Runs before
 * the grant would lapse as long as the interval is shorter than a third of the shortest term.
 */
public final class GrantRenewalTask implements Task {
    public static final String NAME = "grant_renewal";
    private final GrantLifecycle grants;

    public GrantRenewalTask(GrantLifecycle grants) {
        this.grants = grants;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant now) {
        grants.renewDue(now);
    }
}
