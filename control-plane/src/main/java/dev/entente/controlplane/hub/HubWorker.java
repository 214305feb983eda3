package dev.entente.controlplane.hub;

import dev.entente.controlplane.findings.FindingsScanner;
import dev.entente.federation.peer.StaleSweeper;
import dev.entente.heartbeat.schedule.Task;
import dev.entente.heartbeat.schedule.TaskRegistry;
import dev.entente.heartbeat.schedule.WorkerScheduler;
import dev.entente.heartbeat.schedule.WorkerSchedulerConfiguration;
import dev.entente.heartbeat.sweep.StaleSweepTask;
import dev.entente.heartbeat.expiry.GrantExpiryTask;
import dev.entente.heartbeat.expiry.TokenExpiryTask;
import dev.entente.federation.peer.PeerCredentials;

import java.time.Instant;

/**
 * The hub's background jobs on the clustered Quartz scheduler (JDBC job store in the hub's own
 * PostgreSQL): heartbeats to peers, the stale sweep, the expiry of acceptance tokens, grants and approval requests (and the execution of approved ones a stopped hub left), and the governance scan. Every hub process runs it unless told
 * not to, and {@code entente worker} runs it alone; across all of them on one database each
 * job fires once per interval.
 */
public final class HubWorker implements AutoCloseable {
    public static final String HEARTBEAT_TASK = "heartbeat_sender";
    public static final String APPROVAL_EXPIRY_TASK = "approval_expiry";
    public static final String GOVERNANCE_SCAN_TASK = FindingsScanner.TASK;
    private final WorkerScheduler scheduler;

    private HubWorker(WorkerScheduler scheduler) {
        this.scheduler = scheduler;
    }

    public static HubWorker start(HubRuntime hub) {
        WorkerScheduler scheduler = new WorkerScheduler(hub.tx().dataSource(), WorkerSchedulerConfiguration.DEFAULTS,
                new TaskRegistry(), hub.clock(), hub.audit());
        try {
            scheduler.schedule(new Task() {
                @Override
                public String name() {
                    return HEARTBEAT_TASK;
                }

                @Override
                public void run(Instant now) {
                    hub.federation().sendHeartbeats();
                }
            }, hub.settings().heartbeatInterval());
            StaleSweeper sweeper = new StaleSweeper(hub.federation().peers(), hub.federation().lifecycle(),
                    hub.settings().staleAfter());
            StaleSweepTask sweep = new StaleSweepTask(sweeper);
            scheduler.schedule(new Task() {
                @Override
                public String name() {
                    return sweep.name();
                }

                @Override
                public void run(Instant now) {
                    // Heartbeats this process has buffered count: write them before judging staleness.
                    hub.heartbeats().flush();
                    sweep.run(now);
                }
            }, hub.settings().sweepInterval());
            scheduler.schedule(new TokenExpiryTask(hub.tx(), hub.audit(), new PeerCredentials(hub.tx())),
                    hub.settings().sweepInterval());
            scheduler.schedule(new GrantExpiryTask(hub.grantLifecycle()), hub.settings().sweepInterval());
            scheduler.schedule(new Task() {
                @Override
                public String name() {
                    return APPROVAL_EXPIRY_TASK;
                }

                @Override
                public void run(Instant now) {
                    hub.approvals().expireDue(now);
                    // Approved requests a stopped hub (or a lost database) left unexecuted.
                    hub.approvals().executeApproved();
                }
            }, hub.settings().sweepInterval());
            FindingsScanner scanner = new FindingsScanner(hub);
            scheduler.schedule(new Task() {
                @Override
                public String name() {
                    return GOVERNANCE_SCAN_TASK;
                }

                @Override
                public void run(Instant now) throws Exception {
                    // The hub's clock, not the firing time: the conditions are the doctor's, and
                    // doctor judges them against the hub's clock; judging them against another
                    // time would open and resolve findings the doctor disagrees with.
                    scanner.scan(hub.clock().instant());
                }
            }, hub.settings().sweepInterval());
            scheduler.start();
            return new HubWorker(scheduler);
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
    }

    public WorkerScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        scheduler.close();
    }

    /** Stops without waiting for running jobs (the database is gone; see {@link WorkerScheduler#abandon()}). */
    public void abandon() {
        scheduler.abandon();
    }
}
