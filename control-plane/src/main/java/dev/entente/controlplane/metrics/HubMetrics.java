package dev.entente.controlplane.metrics;

import com.zaxxer.hikari.HikariDataSource;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.ca.tls.TlsState;
import dev.entente.federation.anchor.AnchoredAudit;
import dev.entente.federation.peer.PeerState;
import dev.entente.heartbeat.scan.FindingsScanner;
import dev.entente.lifecycle.db.Tx;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The hub's Prometheus registry: JVM and process metrics plus Entente's own series. One registry
 * per hub (not Micrometer's global one), so two hubs in one JVM (as in the specs) keep apart.
 *
 * <p>Names follow Prometheus conventions, which {@code promtool check metrics} enforces: counters
 * end in {@code _total}, Unix times in {@code _timestamp_seconds}, and a state is a set of 0/1
 * series labelled with every possible value, so an alert can match one state without knowing
 * an ordinal. Per-peer series carry the labels {@code peer} (id) and {@code name}; there is one set
 * per live peer, removed when the peer is revoked, so the cardinality follows the federation's size.
 */
@Singleton
public final class HubMetrics {
    private final PrometheusMeterRegistry registry;
    private final ConcurrentHashMap<String, Counter> decisions = new ConcurrentHashMap<>();
    // Micrometer holds a gauge's state object weakly: these fields keep them alive.
    private final FederationSnapshot snapshot;
    private final AuditChainWatch chain;
    private final Clock clock;
    /** The meters of each live peer, by peer id. */
    private final Map<String, List<Meter>> peerMeters = new ConcurrentHashMap<>();

    /** @param registry the context's registry, to which Micronaut binds the JVM, process and HTTP server meters */
    public HubMetrics(PrometheusMeterRegistry registry, TlsState tls, Tx tx, RotationLifecycle rotation, AnchoredAudit audit,
                      Clock clock) {
        this.registry = registry;
        this.clock = clock;
        if (tx.dataSource() instanceof HikariDataSource pool && pool.getMetricRegistry() == null) {
            // The pool is built before the context that owns the registry, so Hikari's own meters
            // (hikaricp_connections_active, _idle, _pending, acquire times) are attached here.
            pool.setMetricRegistry(registry);
        }
        Gauge.builder("entente.tls.cert.expiry.timestamp", tls, t -> t.current().notAfter().getEpochSecond())
                .description("Expiry of the certificate the hub serves, as a Unix time")
                .baseUnit("seconds")
                .register(registry);
        snapshot = new FederationSnapshot(tx, rotation);
        for (PeerState state : PeerState.values()) {
            Gauge.builder("entente.peers", snapshot, s -> s.peersIn(state))
                    .description("Peers by lifecycle state").tag("state", state.value()).register(registry);
        }
        FunctionCounter.builder("entente.heartbeats.sent", snapshot, FederationSnapshot::heartbeatsSent)
                .description("Heartbeats this hub delivered to peers (all peers, since linking)").register(registry);
        FunctionCounter.builder("entente.heartbeats.received", snapshot, FederationSnapshot::heartbeatsReceived)
                .description("Heartbeats this hub received from peers").register(registry);
        FunctionCounter.builder("entente.heartbeats.failed", snapshot, FederationSnapshot::heartbeatsFailed)
                .description("Heartbeats to peers that failed").register(registry);
        Gauge.builder("entente.sweep.last.run.timestamp", snapshot, FederationSnapshot::sweepLastRun)
                .description("When the stale sweep last finished, as a Unix time (0: never)").baseUnit("seconds")
                .register(registry);
        Gauge.builder("entente.sweep.last.duration", snapshot, FederationSnapshot::sweepDurationSeconds)
                .description("How long the last stale sweep took").baseUnit("seconds").register(registry);
        for (RotationState phase : RotationState.values()) {
            Gauge.builder("entente.ca.rotation.phase", snapshot, s -> s.rotationIn(phase) ? 1 : 0)
                    .description("Federation CA rotation phase: 1 for the current phase, 0 for the others")
                    .tag("phase", phase.value()).register(registry);
        }
        Gauge.builder("entente.ca.rotation.phase.since.timestamp", snapshot, FederationSnapshot::rotationPhaseSince)
                .description("When the federation CA rotation entered its current phase, as a Unix time")
                .baseUnit("seconds").register(registry);
        Gauge.builder("entente.ca.rotation.laggards", snapshot, FederationSnapshot::rotationLaggards)
                .description("Peers the current CA rotation phase waits for").register(registry);
        chain = new AuditChainWatch(audit, clock);
        Gauge.builder("entente.audit.chain.broken", chain, AuditChainWatch::broken)
                .description("1 when the audit chain or its anchors fail verification (entente audit verify), "
                        + "0 when they pass; verified every " + AuditChainWatch.EVERY.toMinutes() + " minutes")
                .register(registry);
        Gauge.builder("entente.audit.chain.verified.timestamp", chain, AuditChainWatch::verifiedAt)
                .description("When the audit chain was last verified for this gauge, as a Unix time")
                .baseUnit("seconds").register(registry);
        // present from the start at 0, so rate() over it works before the first federation call
        decisionCounter("ok");
        for (String code : FindingsScanner.CODES) {
            Gauge.builder("entente.findings.open", snapshot, s -> s.openFindings(code))
                    .description("Open governance findings by code").tag("code", code).register(registry);
        }
    }

    /** One federation API decision: {@code ok} or the refusal's code. */
    public void federationDecision(String code) {
        // Once per federation API call: look the counter up by code instead of building and
        // registering a tagged meter every time.
        decisionCounter(code).increment();
    }

    private Counter decisionCounter(String code) {
        return decisions.computeIfAbsent(code, k -> Counter.builder("entente.federation.decisions")
                .description("Federation API decisions by code").tag("code", k).register(registry));
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        syncPeers();
        return registry.scrape();
    }

    /**
     * Registers the series of peers that appeared and removes those of peers that were revoked
     * (or deleted), before the registry is written: a revoked peer's series end at its revocation.
     */
    private synchronized void syncPeers() {
        Map<String, FederationSnapshot.PeerRow> live = snapshot.peers();
        for (var it = peerMeters.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            if (!live.containsKey(entry.getKey())) {
                entry.getValue().forEach(registry::remove);
                it.remove();
            }
        }
        for (FederationSnapshot.PeerRow row : live.values()) {
            peerMeters.computeIfAbsent(row.id(), id -> register(row));
        }
    }

    private List<Meter> register(FederationSnapshot.PeerRow row) {
        String id = row.id();
        String name = row.name();
        List<Meter> meters = new ArrayList<>();
        for (PeerState state : PeerState.values()) {
            if (state == PeerState.REVOKED) {
                continue; // a revoked peer has no series
            }
            meters.add(Gauge.builder("entente.peer.state", snapshot,
                            peerValue(id, p -> p.state() == state ? 1 : 0))
                    .description("Each live peer's lifecycle state: 1 for the current state, 0 for the others")
                    .tags("peer", id, "name", name, "state", state.value()).register(registry));
        }
        meters.add(Gauge.builder("entente.peer.last.heartbeat.age", snapshot, peerValue(id, p -> p.lastHeartbeatAt() == null
                        ? Double.NaN : (clock.millis() - p.lastHeartbeatAt().toEpochMilli()) / 1000.0))
                .description("Seconds since the peer's last heartbeat (NaN: none yet)").baseUnit("seconds")
                .tags("peer", id, "name", name).register(registry));
        meters.add(FunctionCounter.builder("entente.peer.heartbeat.failures", snapshot,
                        peerValue(id, p -> p.heartbeatsFailed()))
                .description("Heartbeats to the peer that failed").tags("peer", id, "name", name).register(registry));
        meters.add(Gauge.builder("entente.peer.node.cert.expiry.timestamp", snapshot, peerValue(id, p -> p.nodeCertNotAfter() == null
                        ? Double.NaN : p.nodeCertNotAfter().getEpochSecond()))
                .description("Expiry of the node certificate this hub issued the peer, as a Unix time (NaN: none yet)")
                .baseUnit("seconds").tags("peer", id, "name", name).register(registry));
        return List.copyOf(meters);
    }

    private static ToDoubleFunction<FederationSnapshot> peerValue(String id,
                                                                 ToDoubleFunction<FederationSnapshot.PeerRow> value) {
        return s -> s.peer(id).map(value::applyAsDouble).orElse(Double.NaN);
    }
}
