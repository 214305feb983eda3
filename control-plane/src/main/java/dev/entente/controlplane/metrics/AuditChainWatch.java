package dev.entente.controlplane.metrics;

import dev.entente.federation.anchor.AnchoredAudit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the audit chain verifies, as {@code entente audit verify} and DR014 decide, for the
 * {@code entente_audit_chain_broken} gauge. Walking the chain costs a read of every event, far
 * too much for a scrape every 15 s: a scrape only reads the last result, and starts a new walk on
 * a thread of its own when that result is older than {@link #EVERY}.
 */
final class AuditChainWatch {
    /** How old a verification may get before a scrape starts the next one. */
    static final Duration EVERY = Duration.ofMinutes(5);
    private static final Logger LOG = LoggerFactory.getLogger(AuditChainWatch.class);
    private final AnchoredAudit audit;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile Instant startedAt;
    private volatile Instant verifiedAt;
    private volatile boolean broken;

    AuditChainWatch(AnchoredAudit audit, Clock clock) {
        this.audit = audit;
        this.clock = clock;
    }

    /** 1 when the last verification failed, 0 when it passed, NaN before the first one ends. */
    double broken() {
        refreshIfOld();
        return verifiedAt == null ? Double.NaN : broken ? 1 : 0;
    }

    /** When the last verification ended, as a Unix time (NaN: none yet). */
    double verifiedAt() {
        Instant at = verifiedAt;
        return at == null ? Double.NaN : at.getEpochSecond();
    }

    private void refreshIfOld() {
        Instant now = clock.instant();
        Instant last = startedAt;
        if ((last == null || now.isAfter(last.plus(EVERY))) && running.compareAndSet(false, true)) {
            startedAt = now;
            Thread walk = new Thread(this::verify, "entente-audit-chain-metric");
            walk.setDaemon(true);
            walk.start();
        }
    }

    private void verify() {
        try {
            broken = !audit.verify().verification().ok();
            verifiedAt = clock.instant();
        } catch (RuntimeException e) {
            // database down or the hub stopping: keep the last answer; /healthz reports the outage
            LOG.warn("audit chain verification for /metrics failed: {}", e.toString());
        } finally {
            running.set(false);
        }
    }
}
