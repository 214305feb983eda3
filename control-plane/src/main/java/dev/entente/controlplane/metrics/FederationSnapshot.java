package dev.entente.controlplane.metrics;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.federation.peer.PeerState;
import dev.entente.heartbeat.schedule.WorkerRun;
import dev.entente.heartbeat.schedule.WorkerRuns;
import dev.entente.heartbeat.sweep.StaleSweepTask;
import dev.entente.lifecycle.db.Tx;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * The database-backed figures of one scrape, read with two queries and kept for a second, so a
 * scrape reading a dozen gauges does not run a dozen queries. Counts come from PostgreSQL, not
 * from this process's memory, so every replica reports the same federation.
 */
final class FederationSnapshot {
    private static final long TTL_NANOS = 1_000_000_000L;
    private final Tx tx;
    private final RotationLifecycle rotation;
    private volatile long takenAt;
    private volatile Values values = new Values(Map.of(), 0, 0, 0, Optional.empty(), 0);

    private record Values(Map<PeerState, Long> byState, long sent, long received, long failed,
                          Optional<WorkerRun> sweep, int phase) {
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
            return null;
        });
        Optional<WorkerRun> sweep = new WorkerRuns(tx.dataSource()).find(StaleSweepTask.NAME);
        int phase = rotation.status().phase().ordinal();
        return new Values(byState, totals[0], totals[1], totals[2], sweep, phase);
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

    double sweepLastRun() {
        return values().sweep().map(WorkerRun::lastFinishedAt).map(t -> (double) t.getEpochSecond()).orElse(0.0);
    }

    double sweepDurationSeconds() {
        return values().sweep().map(WorkerRun::lastDuration).map(d -> d.toNanos() / 1e9).orElse(0.0);
    }

    double rotationPhaseOrdinal() {
        return values().phase();
    }
}
