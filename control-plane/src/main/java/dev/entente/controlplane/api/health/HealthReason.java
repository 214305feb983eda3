package dev.entente.controlplane.api.health;

import java.util.Locale;

/**
 * Why {@code /healthz} is not plain ok, most severe first. Only the hub's own inability to serve
 * makes it 503: a load balancer that pulls a hub for anything else (a stalled worker, a skewed
 * clock, an unreachable partner) gains nothing, since every replica of the hub reports the same,
 * and would turn a warning into an outage. The others answer 200 with status {@code warning}.
 */
public enum HealthReason {
    /** PostgreSQL does not answer: no request that reads or writes can be served. */
    DATABASE_UNREACHABLE(true),
    /** The served TLS certificate expired: clients that check it refuse the hub. */
    TLS_CERT_EXPIRED(true),
    /** The stale sweep or the heartbeat sender has not started within 3 intervals (doctor DR005). */
    WORKER_STALLED(false),
    /** This hub's clock is off its peers' beyond {@code entente.tokens.clock-skew} (doctor DR020). */
    CLOCK_SKEW(false),
    /** Our last heartbeat to an active or degraded peer failed (doctor DR008). */
    FEDERATION_PARTNER_UNREACHABLE(false),
    /** The served TLS certificate expires within 7 days. */
    TLS_CERT_EXPIRING_SOON(false),
    /** An operator paused worker jobs ({@code entente worker pause}, doctor DR025); {@code paused} says which. */
    AUTOMATION_PAUSED(false);

    private final boolean unavailable;

    HealthReason(boolean unavailable) {
        this.unavailable = unavailable;
    }

    /** Whether the hub cannot serve at all for this reason: then {@code /healthz} is 503. */
    public boolean unavailable() {
        return unavailable;
    }

    /** The reason as {@code /healthz} spells it, e.g. {@code worker_stalled}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
