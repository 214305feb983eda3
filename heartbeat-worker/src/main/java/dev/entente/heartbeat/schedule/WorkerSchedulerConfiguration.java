package dev.entente.heartbeat.schedule;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link WorkerScheduler} builds its Quartz scheduler.
 *
 * @param clusterName            Quartz {@code instanceName}, the {@code SCHED_NAME} of every row: the
 *                               same on every replica of one hub, which is what clusters them
 *                               ({@code entente.worker.cluster-name}, default {@code entente})
 * @param threadCount            worker threads per replica ({@code entente.worker.threads}, default 3)
 * @param clusterCheckinInterval how often a replica proves it is alive; a replica silent for
 *                               this plus Quartz's fixed 7.5 s grace has its in-flight firings
 *                               recovered by another ({@code entente.worker.cluster-checkin-interval},
 *                               default 5s)
 * @param misfireThreshold       how late a firing may start before Quartz skips it to the next
 *                               interval instead of running it late; the late firings within it
 *                               are coalesced into one run by {@link TaskJob}, so a stall never
 *                               turns into a burst ({@code entente.worker.misfire-threshold},
 *                               default 5s)
 * @param idleWait               how long an idle replica waits before looking for due triggers
 *                               again; bounds how soon a replica takes over firings another gave
 *                               up (Quartz minimum 1s; {@code entente.worker.idle-wait}, default 2s)
 * @param drainTimeout           on close, how long to wait for this replica to hand back triggers
 *                               it acquired but has not fired ({@code entente.worker.drain-timeout},
 *                               default 2s)
 */
public record WorkerSchedulerConfiguration(String clusterName, int threadCount, Duration clusterCheckinInterval,
                                           Duration misfireThreshold, Duration idleWait, Duration drainTimeout) {

    /** The defaults documented on each component. */
    public static final WorkerSchedulerConfiguration DEFAULTS = new WorkerSchedulerConfiguration(
            "entente", 3, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofSeconds(2));

    public WorkerSchedulerConfiguration {
        Objects.requireNonNull(clusterName, "clusterName");
        if (clusterName.isBlank() || clusterName.length() > 120) {
            throw new IllegalArgumentException("cluster name must be 1 to 120 characters (QRTZ_*.SCHED_NAME)");
        }
        if (threadCount < 1 || threadCount > 16) {
            throw new IllegalArgumentException("thread count must be between 1 and 16, got " + threadCount);
        }
        requireAtLeast("cluster checkin interval", clusterCheckinInterval, Duration.ofMillis(100));
        requireAtLeast("misfire threshold", misfireThreshold, Duration.ofMillis(100));
        requireAtLeast("idle wait", idleWait, Duration.ofSeconds(1));
        requireAtLeast("drain timeout", drainTimeout, Duration.ZERO);
    }

    /** Short timings for tests and demos with 1 s intervals: quick check-ins and quick takeover. */
    public static WorkerSchedulerConfiguration fast() {
        return new WorkerSchedulerConfiguration("entente", 3, Duration.ofSeconds(1), Duration.ofSeconds(2),
                Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    /** A copy with another cluster name. */
    public WorkerSchedulerConfiguration withClusterName(String name) {
        return new WorkerSchedulerConfiguration(name, threadCount, clusterCheckinInterval, misfireThreshold, idleWait, drainTimeout);
    }

    private static void requireAtLeast(String what, Duration d, Duration min) {
        Objects.requireNonNull(d, what);
        if (d.compareTo(min) < 0) {
            throw new IllegalArgumentException(what + " must be at least " + min + ", got " + d);
        }
    }
}
