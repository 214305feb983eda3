package dev.entente.controlplane.hub;

import dev.entente.federation.peer.StaleSweeper;
import dev.entente.heartbeat.schedule.TaskRegistry;
import dev.entente.heartbeat.schedule.WorkerScheduler;
import dev.entente.heartbeat.schedule.WorkerSchedulerConfiguration;
import dev.entente.heartbeat.sweep.StaleSweepTask;
import dev.entente.heartbeat.expiry.ApprovalExpiryTask;
import dev.entente.heartbeat.expiry.GrantExpiryTask;
import dev.entente.heartbeat.scan.GovernanceScanTask;
import dev.entente.heartbeat.send.HeartbeatSendTask;
import dev.entente.heartbeat.expiry.TokenExpiryTask;
import dev.entente.federation.peer.PeerCredentials;

/**
 * The hub's background jobs on the clustered Quartz scheduler (JDBC job store in the hub's own
 * PostgreSQL): heartbeats to peers, the stale sweep, the expiry of acceptance tokens, grants and
 * approval requests (and the execution of approved ones a stopped hub left), and the governance scan. The tasks live in {@code heartbeat-worker}; this
 * only registers them with what they run. Every hub process runs it unless told
 * not to, and {@code entente worker} runs it alone; across all of them on one database each
 * job fires once per interval.
 */
public final class HubWorker implements AutoCloseable {
    public static final String HEARTBEAT_TASK = HeartbeatSendTask.NAME;
    public static final String APPROVAL_EXPIRY_TASK = ApprovalExpiryTask.NAME;
    public static final String GOVERNANCE_SCAN_TASK = GovernanceScanTask.NAME;
    private final WorkerScheduler scheduler;

    private HubWorker(WorkerScheduler scheduler) {
        this.scheduler = scheduler;
    }

    public static HubWorker start(HubRuntime hub) {
        WorkerScheduler scheduler = new WorkerScheduler(hub.tx().dataSource(), WorkerSchedulerConfiguration.DEFAULTS,
                new TaskRegistry(), hub.clock(), hub.audit());
        try {
            scheduler.schedule(new HeartbeatSendTask(hub.federation().heartbeatSender()), hub.settings().heartbeatInterval());
            StaleSweeper sweeper = new StaleSweeper(hub.federation().peers(), hub.federation().lifecycle(),
                    hub.settings().staleAfter());
            scheduler.schedule(new StaleSweepTask(sweeper, hub.heartbeats()::flush), hub.settings().sweepInterval());
            scheduler.schedule(new TokenExpiryTask(hub.tx(), hub.audit(), new PeerCredentials(hub.tx())),
                    hub.settings().sweepInterval());
            scheduler.schedule(new GrantExpiryTask(hub.grantLifecycle()), hub.settings().sweepInterval());
            scheduler.schedule(new ApprovalExpiryTask(now -> {
                int expired = hub.approvals().expireDue(now);
                // Approved requests a stopped hub (or a lost database) left unexecuted.
                hub.approvals().executeApproved();
                return expired;
            }), hub.settings().sweepInterval());
            scheduler.schedule(new GovernanceScanTask(hub.findings()::scan, hub.clock()), hub.settings().sweepInterval());
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
