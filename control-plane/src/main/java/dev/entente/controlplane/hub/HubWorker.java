package dev.entente.controlplane.hub;

import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.approval.ApprovalPolicies;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.heartbeat.scan.FindingsScanner;
import dev.entente.federation.grant.GrantLifecycle;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import dev.entente.federation.peer.PeerCredentials;
import dev.entente.federation.peer.StaleSweeper;
import dev.entente.heartbeat.expiry.ApprovalExpiryTask;
import dev.entente.heartbeat.expiry.GrantExpiryTask;
import dev.entente.heartbeat.expiry.PauseExpiryTask;
import dev.entente.heartbeat.expiry.PolicyRevertTask;
import dev.entente.heartbeat.expiry.GrantRenewalTask;
import dev.entente.heartbeat.expiry.TokenExpiryTask;
import dev.entente.heartbeat.scan.GovernanceScanTask;
import dev.entente.heartbeat.schedule.TaskRegistry;
import dev.entente.heartbeat.schedule.WorkerScheduler;
import dev.entente.heartbeat.schedule.WorkerPauses;
import dev.entente.heartbeat.schedule.WorkerSchedulerConfiguration;
import dev.entente.heartbeat.send.HeartbeatSendTask;
import dev.entente.heartbeat.sweep.StaleSweepTask;
import dev.entente.heartbeat.tls.TlsRenewalTask;
import dev.entente.controlplane.config.TlsConfiguration;
import dev.entente.federation.renewal.TlsRenewal;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.List;

/**
 * The hub's background jobs on the clustered Quartz scheduler (JDBC job store in the hub's own
 * PostgreSQL): heartbeats to peers, the stale sweep, the expiry of acceptance tokens, grants and
 * approval requests (and the execution of approved ones a stopped hub left), the renewal of
 * auto-renewing grants, the governance scan, the renewal of the hub's TLS certificate
 * ({@code entente.tls.auto-renew}), and the ends of temporary approval policies and worker pauses.
 * The tasks live in {@code heartbeat-worker}; this
 * only registers them with what they run. Every hub process runs it unless told
 * not to, and {@code entente worker} runs it alone; across all of them on one database each
 * job fires once per interval.
 */
@Singleton
public final class HubWorker implements AutoCloseable {
    public static final String HEARTBEAT_TASK = HeartbeatSendTask.NAME;
    public static final String APPROVAL_EXPIRY_TASK = ApprovalExpiryTask.NAME;
    public static final String GOVERNANCE_SCAN_TASK = GovernanceScanTask.NAME;
    /**
     * The jobs {@code entente worker pause --job} names: every job this class schedules but the
     * two that end pauses and temporary policies. Known without a running worker, since a hub
     * that leaves its jobs to {@code entente worker} still takes the pause.
     */
    public static final List<String> PAUSABLE_JOBS = List.of(HeartbeatSendTask.NAME, StaleSweepTask.NAME,
            TokenExpiryTask.NAME, GrantExpiryTask.NAME, ApprovalExpiryTask.NAME, GovernanceScanTask.NAME,
            TlsRenewalTask.NAME, GrantRenewalTask.NAME).stream().sorted().toList();
    private final WorkerScheduler scheduler;

    /** Registers every job; nothing runs before {@link #start()}. */
    public HubWorker(Tx tx, Clock clock, AuditLog audit, HubSettings settings, FederationService federation,
                     HeartbeatCoalescer heartbeats, GrantLifecycle grantLifecycle, ApprovalGate approvals,
                     FindingsScanner scanner, TlsConfiguration tlsConfiguration, TlsRenewal tlsRenewal,
                     ApprovalPolicies policies, WorkerPauses pauses) {
        this.scheduler = new WorkerScheduler(tx.dataSource(), WorkerSchedulerConfiguration.DEFAULTS,
                new TaskRegistry(), clock, audit);
        try {
            scheduler.schedule(new HeartbeatSendTask(federation.heartbeatSender()), settings.heartbeatInterval());
            StaleSweeper sweeper = new StaleSweeper(federation.peers(), federation.lifecycle(), settings.staleAfter());
            scheduler.schedule(new StaleSweepTask(sweeper, heartbeats::flush), settings.sweepInterval());
            scheduler.schedule(new TokenExpiryTask(tx, audit, new PeerCredentials(tx)), settings.sweepInterval());
            scheduler.schedule(new GrantExpiryTask(grantLifecycle), settings.sweepInterval());
            scheduler.schedule(new GrantRenewalTask(grantLifecycle::renewDue, clock), settings.sweepInterval());
            scheduler.schedule(new ApprovalExpiryTask(now -> {
                int expired = approvals.expireDue(now);
                // Approved requests a stopped hub (or a lost database) left unexecuted.
                approvals.executeApproved();
                return expired;
            }), settings.sweepInterval());
            scheduler.schedule(new GovernanceScanTask(scanner::scan, clock), settings.sweepInterval());
            if (tlsConfiguration.autoRenew()) {
                // Validity is judged by the clock that issued the certificate, the hub's, not by the
                // scheduler's fire time.
                scheduler.schedule(new TlsRenewalTask(firedAt -> tlsRenewal.onSchedule(clock.instant()),
                        settings.sweepInterval()), settings.sweepInterval());
            }
            scheduler.schedule(new PolicyRevertTask(policies, clock), settings.sweepInterval());
            scheduler.schedule(new PauseExpiryTask(pauses, clock), settings.sweepInterval());
            List<String> unlisted = scheduler.tasks().pausableNames().stream().filter(n -> !PAUSABLE_JOBS.contains(n)).toList();
            if (!unlisted.isEmpty()) {
                throw new IllegalStateException("jobs " + unlisted + " can be paused but are not in HubWorker.PAUSABLE_JOBS");
            }
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
    }

    /** Starts the scheduler: from now on this process takes its share of the jobs. */
    public HubWorker start() {
        try {
            scheduler.start();
            return this;
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
