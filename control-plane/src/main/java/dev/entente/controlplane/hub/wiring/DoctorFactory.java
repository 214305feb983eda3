package dev.entente.controlplane.hub.wiring;

import dev.entente.controlplane.hub.HubWorker;
import dev.entente.federation.approval.ApprovalPolicies;
import dev.entente.federation.doctor.PolicyCheck;
import dev.entente.heartbeat.doctor.PauseCheck;
import dev.entente.heartbeat.schedule.WorkerPauses;
import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.doctor.DatabaseChecks;
import dev.entente.controlplane.doctor.KeyChecks;
import dev.entente.controlplane.doctor.Pkcs11Checks;
import dev.entente.ca.vault.Pkcs11Token;
import dev.entente.ca.vault.TokenKeyring;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.federation.doctor.TlsModeChecks;
import dev.entente.ca.tls.TlsModes;
import dev.entente.ca.tls.TlsState;
import dev.entente.federation.anchor.AnchoredAudit;
import dev.entente.federation.doctor.AuditCheck;
import dev.entente.federation.doctor.ClockChecks;
import dev.entente.federation.doctor.DeadlineChecks;
import dev.entente.federation.doctor.Doctor;
import dev.entente.federation.doctor.DoctorCheck;
import dev.entente.federation.doctor.ListenerChecks;
import dev.entente.federation.doctor.LockoutChecks;
import dev.entente.federation.doctor.PeerChecks;
import dev.entente.federation.doctor.RotationChecks;
import dev.entente.federation.heartbeat.PeerClocks;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.renewal.Laggards;
import dev.entente.heartbeat.doctor.TlsRenewalCheck;
import dev.entente.heartbeat.doctor.WorkerCheck;
import dev.entente.controlplane.config.TlsConfiguration;
import dev.entente.heartbeat.scan.FindingsScanner;
import dev.entente.heartbeat.schedule.WorkerRuns;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.annotation.Nullable;
import jakarta.inject.Singleton;

import dev.entente.ca.authority.CertificateAuthority;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The doctor: the shell's own checks (database, worker runs, TLS renewal, this hub's clock) ahead of the domain's, each given
 * what it reads; and the governance scan that runs the same checks on a schedule.
 */
@Factory
final class DoctorFactory {
    /** This hub's clock against its peers': the doctor, status and {@code /healthz} read the same measurement. */
    @Singleton
    ClockChecks clockChecks(PeerClocks clocks, HubSettings settings) {
        return new ClockChecks(clocks, settings.clockSkew());
    }

    @Singleton
    Doctor doctor(HubIdentity hub, HubSettings settings, Tx tx, TlsState tls, SealedKeyStore keys, PeerRepository peers,
                  RotationLifecycle rotation, Laggards laggards, AnchoredAudit anchoredAudit, ClockChecks clocks,
                  CertificateAuthority authority, TlsConfiguration tlsConfiguration, ApprovalPolicies policies,
                  WorkerPauses pauses, TokenKeyring tokenKeys, TlsModes tlsModes, @Nullable Pkcs11Token token) {
        List<DoctorCheck> shell = new ArrayList<>(new DatabaseChecks(tx, hub.embeddedDatabase().orElse(null)).all());
        shell.add(new WorkerCheck(new WorkerRuns(tx.dataSource()), settings.sweepInterval(), settings.heartbeatInterval(),
                hub.startedAt()).check());
        shell.add(new TlsRenewalCheck(new WorkerRuns(tx.dataSource()), tlsConfiguration.autoRenew()).check());
        shell.addAll(new TlsModeChecks(tlsModes, tls).all());
        shell.add(clocks.check());
        shell.add(new PauseCheck(pauses).check());
        shell.add(new PolicyCheck(policies).check());
        shell.addAll(new KeyChecks(tx, keys.vault(), tokenKeys, settings.dataDir()).all());
        shell.addAll(new Pkcs11Checks(token, keys).all());
        shell.addAll(new LockoutChecks(peers, authority, hub.hubId()).all());
        return Doctor.of(shell,
                new ListenerChecks(tls::current, tlsModes::renewalAdvice, settings.bind(), settings.loopbackOnly(), hub::boundPort, peers),
                new PeerChecks(peers, keys, settings.heartbeatInterval(), settings.clockSkew()),
                new RotationChecks(rotation, laggards), new DeadlineChecks(tx), new AuditCheck(anchoredAudit));
    }

    /** The rotation's laggards described, for {@code ca status}, its doctor check and a refused advance. */
    @Singleton
    Laggards laggards(PeerRepository peers, CertificateAuthority authority, Tx tx, Clock clock) {
        return new Laggards(peers, authority, tx, clock);
    }

    /** What operators paused, for the worker, doctor, status and {@code /healthz}; job names checked against {@link HubWorker#PAUSABLE_JOBS}. */
    @Singleton
    WorkerPauses workerPauses(Tx tx, AuditLog audit, Clock clock) {
        return new WorkerPauses(tx.dataSource(), audit, clock, () -> HubWorker.PAUSABLE_JOBS);
    }

    @Singleton
    FindingsScanner findingsScanner(Doctor doctor, Tx tx, AuditLog audit) {
        return new FindingsScanner(doctor.checks(), tx, audit);
    }
}
