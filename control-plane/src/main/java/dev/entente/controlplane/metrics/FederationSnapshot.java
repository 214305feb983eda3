package dev.entente.controlplane.metrics;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.federation.peer.PeerState;
import dev.entente.heartbeat.schedule.WorkerRun;
import dev.entente.heartbeat.schedule.WorkerRuns;
import dev.entente.heartbeat.sweep.StaleSweepTask;
import dev.entente.lifecycle.db.Tx;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The database-backed figures of one scrape, read with a handful of queries and kept for a second,
 * so a scrape reading dozens of gauges does not run dozens of queries. Figures come from
 * PostgreSQL, not from this process's memory, so every replica reports the same federation.
 */
final class FederationSnapshot {
    private static final long TTL_NANOS = 1_000_000_000L;
    private final Tx tx;
    private final RotationLifecycle rotation;
    private volatile long takenAt;
    private volatile Values values = new Values(Map.of(), 0, 0, 0, Map.of(), Optional.empty(),
            RotationState.values()[0], Instant.EPOCH, 0, Map.of());

    /**
     * One live peer's row: revoked peers are left out, so their series disappear with them.
     *
     * @param lastHeartbeatAt null before the first heartbeat
     * @param nodeCertNotAfter null before enrolment
     */
    record PeerRow(String id, String name, PeerState state, Instant lastHeartbeatAt, long heartbeatsFailed,
                   Instant nodeCertNotAfter) {
    }

    /** @param sent, received, failed heartbeat totals over every peer, revoked ones included, so they never go down */
    private record Values(Map<PeerState, Long> byState, long sent, long received, long failed,
                          Map<String, PeerRow> peers, Optional<WorkerRun> sweep, RotationState phase,
                          Instant phaseSince, int laggards, Map<String, Long> openFindings) {
    }

    FederationSnapshot(Tx tx, RotationLifecycle rotation) {
        this.tx = tx;
        this.rotation = rotation;
    }

    private Values values() {
        long now = System.nanoTime();
        if (now - takenAt > TTL_NANOS) {
            synchronized (this) {
                if (now - takenAt > TTL_NANOS) {
                    try {
                        values = read();
                    } catch (RuntimeException e) {
                        // database down: keep the last figures; /healthz reports the outage
                    }
                    takenAt = now;
                }
            }
        }
        return values;
    }

    private Values read() {
        Map<PeerState, Long> byState = new EnumMap<>(PeerState.class);
        long[] totals = new long[3];
        Map<String, PeerRow> peers = new LinkedHashMap<>();
        Map<String, Long> findings = new LinkedHashMap<>();
        tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state, count(*), sum(heartbeats_sent), "
                    + "sum(heartbeats_received), sum(heartbeats_failed) FROM peers GROUP BY state");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    byState.put(PeerState.fromValue(rs.getString(1)), rs.getLong(2));
                    totals[0] += rs.getLong(3);
                    totals[1] += rs.getLong(4);
                    totals[2] += rs.getLong(5);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT id, name, state, last_heartbeat_at, "
                    + "heartbeats_failed, node_cert_not_after FROM peers WHERE state <> 'revoked' ORDER BY name");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    peers.put(id, new PeerRow(id, rs.getString(2), PeerState.fromValue(rs.getString(3)),
                            instant(rs.getTimestamp(4)), rs.getLong(5), instant(rs.getTimestamp(6))));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT code, count(*) FROM findings WHERE resolved_at IS NULL GROUP BY code");
                 ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    findings.put(rs.getString(1), rs.getLong(2));
                }
            }
            return null;
        });
        Optional<WorkerRun> sweep = new WorkerRuns(tx.dataSource()).find(StaleSweepTask.NAME);
        RotationLifecycle.Status status = rotation.status();
        return new Values(byState, totals[0], totals[1], totals[2], peers, sweep, status.phase(), status.since(),
                status.laggards().size(), findings);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    double peersIn(PeerState state) {
        return values().byState().getOrDefault(state, 0L);
    }

    double heartbeatsSent() {
        return values().sent();
    }

    double heartbeatsReceived() {
        return values().received();
    }

    double heartbeatsFailed() {
        return values().failed();
    }

    /** The live peers, keyed by id, as of the last read. */
    Map<String, PeerRow> peers() {
        return values().peers();
    }

    Optional<PeerRow> peer(String id) {
        return Optional.ofNullable(values().peers().get(id));
    }

    double sweepLastRun() {
        return values().sweep().map(WorkerRun::lastFinishedAt).map(t -> (double) t.getEpochSecond()).orElse(0.0);
    }

    double sweepDurationSeconds() {
        return values().sweep().map(WorkerRun::lastDuration).map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    boolean rotationIn(RotationState phase) {
        return values().phase() == phase;
    }

    double rotationPhaseSince() {
        return values().phaseSince().getEpochSecond();
    }

    double rotationLaggards() {
        return values().laggards();
    }

    double openFindings(String code) {
        return values().openFindings().getOrDefault(code, 0L);
    }
}
