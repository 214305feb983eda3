package dev.entente.controlplane.metrics;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.federation.peer.PeerState;
import dev.entente.lifecycle.db.Tx;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import jakarta.inject.Singleton;

/**
 * The hub's Prometheus registry: JVM and process metrics plus Entente's own gauges. One registry
 * per hub (not Micrometer's global one), so two hubs in one JVM (as in the specs) keep apart.
 */
@Singleton
public final class HubMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> decisions = new java.util.concurrent.ConcurrentHashMap<>();

    public HubMetrics(TlsState tls, Tx tx, RotationLifecycle rotation) {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("entente.tls.cert.not.after", tls, t -> t.current().notAfter().getEpochSecond())
                .description("Expiry of the certificate the hub serves, as a Unix time")
                .baseUnit("seconds")
                .register(registry);
        snapshot = new FederationSnapshot(tx, rotation);
        for (PeerState state : PeerState.values()) {
            Gauge.builder("entente.peers", snapshot, s -> s.peersIn(state))
                    .description("Peers by lifecycle state").tag("state", state.value()).register(registry);
        }
        Gauge.builder("entente.heartbeats.sent", snapshot, FederationSnapshot::heartbeatsSent)
                .description("Heartbeats this hub delivered to peers (all peers, since linking)").register(registry);
        Gauge.builder("entente.heartbeats.received", snapshot, FederationSnapshot::heartbeatsReceived)
                .description("Heartbeats this hub received from peers").register(registry);
        Gauge.builder("entente.heartbeats.failed", snapshot, FederationSnapshot::heartbeatsFailed)
                .description("Heartbeats to peers that failed").register(registry);
        Gauge.builder("entente.sweep.last.run", snapshot, FederationSnapshot::sweepLastRun)
                .description("When the stale sweep last finished, as a Unix time (0: never)").baseUnit("seconds")
                .register(registry);
        Gauge.builder("entente.sweep.duration", snapshot, FederationSnapshot::sweepDurationSeconds)
                .description("How long the last stale sweep took").baseUnit("seconds").register(registry);
        Gauge.builder("entente.ca.rotation.phase", snapshot, FederationSnapshot::rotationPhaseOrdinal)
                .description("Federation CA rotation phase: 0 standby, 1 init, 2 update_clients, 3 update_servers, 4 rollback")
                .register(registry);
    }

    private final FederationSnapshot snapshot;

    /** One federation API decision: {@code ok} or the refusal's code. */
    public void federationDecision(String code) {
        // Once per federation API call: look the counter up by code instead of building and
        // registering a tagged meter every time.
        decisions.computeIfAbsent(code, k -> Counter.builder("entente.federation.decisions")
                .description("Federation API decisions by code").tag("code", k).register(registry)).increment();
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }
}
