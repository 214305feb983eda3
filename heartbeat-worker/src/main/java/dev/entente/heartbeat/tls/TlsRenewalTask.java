package dev.entente.heartbeat.tls;

import dev.entente.heartbeat.schedule.Task;

import java.time.Duration;
import java.time.Instant;

/**
 * The automatic renewal of the hub's TLS certificate, checked once per interval. The renewer decides
 * whether anything is due; this retries a failed renewal with exponential backoff (the interval,
 * doubled per failure, at most {@link #MAX_BACKOFF}) and keeps failing the run while it waits, so
 * {@code worker_runs} and doctor (DR023) show the cause until a renewal succeeds.
 *
 * <p>The backoff is this replica's: another replica winning a firing tries at once, which is only
 * one attempt more.
 */
public final class TlsRenewalTask implements Task {
    public static final String NAME = "tls_renewal";
    /** Retries never wait longer than this: the certificate keeps ageing. */
    static final Duration MAX_BACKOFF = Duration.ofHours(1);

    private final TlsRenewer renewer;
    private final Duration interval;
    private int failures;
    private Instant retryAt;
    private String cause;

    /** @param interval how often the task is scheduled: the first retry waits this long */
    public TlsRenewalTask(TlsRenewer renewer, Duration interval) {
        this.renewer = renewer;
        this.interval = interval;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void run(Instant now) throws TlsRenewalFailure {
        if (retryAt != null && now.isBefore(retryAt)) {
            throw failure();
        }
        try {
            renewer.renew(now);
        } catch (Exception e) {
            failures++;
            cause = cause(e);
            retryAt = now.plus(backoff(interval, failures));
            throw failure();
        }
        failures = 0;
        retryAt = null;
        cause = null;
    }

    /** The wait after {@code failures} failures in a row: the interval, doubled each time, capped. */
    static Duration backoff(Duration interval, int failures) {
        Duration wait = interval;
        for (int i = 1; i < failures && wait.compareTo(MAX_BACKOFF) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait;
    }

    private TlsRenewalFailure failure() {
        return new TlsRenewalFailure(cause + " (" + failures + (failures == 1 ? " attempt" : " attempts")
                + " in a row; next at " + retryAt + ")");
    }

    /** The innermost message: what broke, without the layers it passed through. */
    private static String cause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message.strip();
    }
}
