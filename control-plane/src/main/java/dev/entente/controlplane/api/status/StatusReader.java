package dev.entente.controlplane.api.status;

import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.ca.tls.TlsState;
import dev.entente.federation.doctor.ClockChecks;
import dev.entente.federation.doctor.Doctor;
import dev.entente.federation.heartbeat.PeerClocks;
import dev.entente.federation.peer.Durations;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerState;
import dev.entente.heartbeat.schedule.RunOutcome;
import dev.entente.heartbeat.schedule.WorkerRun;
import dev.entente.heartbeat.schedule.WorkerRuns;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.doctor.DoctorCode;
import dev.entente.lifecycle.doctor.Finding;
import dev.entente.lifecycle.doctor.Severity;
import dev.entente.lifecycle.error.EntenteException;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Gathers {@link HubStatus}: identity and listener from memory, peers and worker runs from the database, and the doctor. */
@Singleton
public final class StatusReader {
    private final TlsState tls;
    private final HubIdentity hub;
    private final HubSettings settings;
    private final Clock clock;
    private final PeerRepository peers;
    private final WorkerRuns runs;
    private final PeerClocks peerClocks;
    private final ClockChecks clockChecks;
    private final Doctor doctor;

    public StatusReader(TlsState tls, HubIdentity hub, HubSettings settings, Clock clock, PeerRepository peers, Tx tx,
                        PeerClocks peerClocks, ClockChecks clockChecks, Doctor doctor) {
        this.tls = tls;
        this.hub = hub;
        this.settings = settings;
        this.clock = clock;
        this.peers = peers;
        this.runs = new WorkerRuns(tx.dataSource());
        this.peerClocks = peerClocks;
        this.clockChecks = clockChecks;
        this.doctor = doctor;
    }

    public HubStatus read() {
        Instant now = clock.instant();
        TlsKey served = tls.current();
        List<Peer> all = fromDatabase(peers::list);
        List<WorkerRun> workerRuns = fromDatabase(runs::all);
        return new HubStatus(hub.hubId(), hub.name(), hub.listening(), hub.publicUrl(), hub.uptime().toSeconds(),
                new HubStatus.Tls(served.fingerprint(), served.notAfter(), Duration.between(now, served.notAfter()).toSeconds()),
                hub.databaseKind(), settings.drillMode(), Durations.format(settings.heartbeatInterval()),
                Durations.format(settings.staleAfter()),
                all == null ? null : counts(all), all == null ? null : pendingTokens(all, now),
                workerRuns == null ? null : lastRun(workerRuns), workerRuns == null ? null : lastError(workerRuns),
                clockSkew(), warnings(now));
    }

    private static HubStatus.PeerCounts counts(List<Peer> all) {
        Map<PeerState, Integer> n = new EnumMap<>(PeerState.class);
        all.forEach(p -> n.merge(p.state(), 1, Integer::sum));
        return new HubStatus.PeerCounts(n.getOrDefault(PeerState.PROPOSED, 0), n.getOrDefault(PeerState.ACCEPTED, 0),
                n.getOrDefault(PeerState.ENROLLED, 0), n.getOrDefault(PeerState.ACTIVE, 0),
                n.getOrDefault(PeerState.DEGRADED, 0), n.getOrDefault(PeerState.SUSPENDED, 0),
                n.getOrDefault(PeerState.REVOKED, 0), all.size());
    }

    private static List<HubStatus.PendingToken> pendingTokens(List<Peer> all, Instant now) {
        return all.stream()
                .filter(p -> p.state() == PeerState.PROPOSED && p.tokenExpiresAt() != null)
                .sorted(Comparator.comparing(Peer::tokenExpiresAt))
                .map(p -> new HubStatus.PendingToken(p.id().toString(), p.name(), p.tokenExpiresAt(),
                        !now.isBefore(p.tokenExpiresAt())))
                .toList();
    }

    private static HubStatus.WorkerLastRun lastRun(List<WorkerRun> all) {
        return all.stream().filter(r -> r.lastStartedAt() != null).max(Comparator.comparing(WorkerRun::lastStartedAt))
                .map(r -> new HubStatus.WorkerLastRun(r.task(), r.lastStartedAt(), r.lastFinishedAt(),
                        r.outcome().map(RunOutcome::code).orElse(null)))
                .orElse(null);
    }

    private static HubStatus.LastError lastError(List<WorkerRun> all) {
        return all.stream()
                .filter(r -> r.lastError() != null && r.lastFinishedAt() != null)
                .max(Comparator.comparing(WorkerRun::lastFinishedAt))
                .map(r -> new HubStatus.LastError(r.task(), r.lastFinishedAt(), r.lastError()))
                .orElse(null);
    }

    private HubStatus.ClockSkew clockSkew() {
        Optional<PeerClocks.OwnOffset> offset = peerClocks.offset();
        boolean skewed = clockChecks.skewed().isPresent();
        return offset.map(o -> new HubStatus.ClockSkew(o.offset().toMillis(), o.uncertainty().toMillis(), o.peers(), skewed))
                .orElse(null);
    }

    // Warnings that an operator made and must not forget: a lowered approval policy, paused automation.
    private static final Set<DoctorCode> WARNED = Set.of(DoctorCode.DR024, DoctorCode.DR025);

    private List<String> warnings(Instant now) {
        List<String> out = new ArrayList<>();
        if (settings.drillMode()) {
            out.add("drill mode is on: a proposed peer with no token digest accepts any caller");
        }
        for (Finding f : doctor.run(now).findings()) {
            if (f.severity() == Severity.ERROR || WARNED.contains(f.code())) {
                out.add(f.code() + " " + f.name() + ": " + f.diagnosis() + " (next: " + f.nextCommand() + ")");
            }
        }
        return out;
    }

    /** The database's answer, or null while it is down: status must still show what it can. */
    private static <T> T fromDatabase(Supplier<T> read) {
        try {
            return read.get();
        } catch (EntenteException | IllegalStateException e) {
            return null;
        }
    }
}
