package dev.entente.heartbeat.expiry;

import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.heartbeat.schedule.Task;

import java.time.Instant;

/**
 * Moves active grants past {@code expires_at} to expired, in set-based batches. Expiry is
 * already enforced at the moment of use; this makes the state (and the audit log) say so.
 */
public final class GrantExpiryTask implements Task {
    public static final String NAME = "grant_expiry";
    private final GrantLifecycle grants;

    public GrantExpiryTask(GrantLifecycle grants) {
        this.grants = grants;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void run(Instant now) {
        grants.expireDue(now);
    }
}
