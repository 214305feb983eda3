package dev.entente.heartbeat.schedule;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Notices the wall clock being stepped (NTP correcting a fast or slow clock, an operator setting
 * it) by comparing how far it moved with how far the monotonic clock moved. Quartz keeps each
 * trigger's next fire time on the wall clock: after a step back it would wait until the wall
 * clock catches up again (minutes without heartbeats), so the scheduler re-times its triggers
 * from the new "now" when this reports a step.
 */
public final class ClockStepWatch implements AutoCloseable {
    /** Drift between two samples below this is scheduling jitter or NTP slewing, not a step. */
    public static final Duration TOLERANCE = Duration.ofSeconds(2);

    private final LongSupplier wallMillis;
    private final LongSupplier monotonicNanos;
    private final Duration tolerance;
    private final Consumer<Duration> onStep;
    private ScheduledExecutorService timer;
    private long lastWall;
    private long lastMonotonic;

    /**
     * @param onStep called with the step: positive when the wall clock jumped ahead, negative
     *               when it went back
     */
    public ClockStepWatch(LongSupplier wallMillis, LongSupplier monotonicNanos, Duration tolerance, Consumer<Duration> onStep) {
        this.wallMillis = wallMillis;
        this.monotonicNanos = monotonicNanos;
        this.tolerance = tolerance;
        this.onStep = onStep;
        this.lastWall = wallMillis.getAsLong();
        this.lastMonotonic = monotonicNanos.getAsLong();
    }

    /** Watches the system clocks. */
    public static ClockStepWatch system(Consumer<Duration> onStep) {
        return new ClockStepWatch(System::currentTimeMillis, System::nanoTime, TOLERANCE, onStep);
    }

    /** Compares the clocks once; reports a step, if there was one, and returns it (zero if none). */
    public synchronized Duration check() {
        long wall = wallMillis.getAsLong();
        long monotonic = monotonicNanos.getAsLong();
        Duration drift = Duration.ofMillis(wall - lastWall).minusNanos(monotonic - lastMonotonic);
        lastWall = wall;
        lastMonotonic = monotonic;
        if (drift.abs().compareTo(tolerance) <= 0) {
            return Duration.ZERO;
        }
        onStep.accept(drift);
        return drift;
    }

    /** Checks every {@code period} on a daemon thread until {@link #close()}. */
    public synchronized ClockStepWatch start(Duration period) {
        if (timer == null) {
            timer = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "entente-clock-watch");
                t.setDaemon(true);
                return t;
            });
            timer.scheduleWithFixedDelay(this::checkQuietly, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    private void checkQuietly() {
        try {
            check();
        } catch (RuntimeException e) {
            // the next sample tries again; a dead timer thread would end the watch for good
            org.slf4j.LoggerFactory.getLogger(ClockStepWatch.class).warn("clock step check failed: {}", e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            timer = null;
        }
    }
}
