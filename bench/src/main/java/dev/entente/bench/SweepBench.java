package dev.entente.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.entente.controlplane.hub.EmbeddedDatabase;
import org.flywaydb.core.Flyway;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerLifecycle;
import dev.entente.federation.peer.PeerLifecycleConfiguration;
import dev.entente.federation.peer.PeerRepository;
import dev.entente.federation.peer.PeerTable;
import dev.entente.federation.peer.StaleSweeper;
import dev.entente.federation.peer.SweepResult;
import dev.entente.lifecycle.audit.AuditKey;
import dev.entente.lifecycle.audit.AuditKeyring;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.DataContext;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.testkit.PostgresFixture;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The stale-sweep harness behind {@code docs/performance.md}: how long one sweep takes for
 * 10,000 and 100,000 peers of which 10% are stale, on the embedded PostgreSQL the specs use, and
 * the old per-peer path (one engine transition, one audit append per peer) on the same 10,000 as
 * the baseline, all in one run so the ratio compares like with like.
 *
 * <p>A plain {@code main}, not JMH: each measurement needs a freshly seeded database, which JMH's
 * fork/iteration model does not help with, and a sweep lasts milliseconds to seconds, far above
 * timer resolution. Every run gets its own migrated database (no state carried between runs);
 * the peers table is {@code VACUUM ANALYZE}d after seeding, as autovacuum keeps it in steady
 * state. One warm-up round of each path runs first and is not reported. The median of the runs
 * is reported, with min and max.
 *
 * <p>Run with {@code bench/run sweep} (see {@code docs/performance.md}); options:
 * {@code --runs N} (default 5), {@code --baseline-runs N} (default 3), {@code --sizes 10000,100000},
 * {@code --stale-every K} (default 10: every K-th peer is stale), {@code --batch N} (default
 * {@link StaleSweeper#BATCH}), {@code --no-analyze}.
 */
public final class SweepBench {
    private static final Duration STALE_AFTER = PeerLifecycleConfiguration.DEFAULT_STALE_AFTER;
    private static final AuditKey KEY = new AuditKey("bench", "entente-bench-audit-key-0123456789"
            .getBytes(StandardCharsets.UTF_8));

    private SweepBench() {
    }

    /** Runs the scenarios and prints one line per run and a summary. */
    public static void main(String[] args) throws Exception {
        int runs = 5;
        int baselineRuns = 3;
        List<Integer> sizes = List.of(10_000, 100_000);
        int staleEvery = 10;
        int batch = StaleSweeper.BATCH;
        boolean analyze = true;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--durable")) {
                durable = true;
                continue;
            }
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--baseline-runs" -> baselineRuns = Integer.parseInt(args[++i]);
                case "--sizes" -> sizes = parseSizes(args[++i]);
                case "--stale-every" -> staleEvery = Integer.parseInt(args[++i]);
                case "--batch" -> batch = Integer.parseInt(args[++i]);
                case "--no-analyze" -> analyze = false;
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        // The figures are for the embedded server (real PostgreSQL binaries), never a container.
        if (System.getProperty("entente.test.embedded") == null) {
            System.setProperty("entente.test.embedded", "true");
        }
        System.out.printf(Locale.ROOT, "stale sweep bench: stale-after %s, every %d-th peer stale, batch %d, "
                        + "runs %d (baseline %d), analyze %s, durable %s, java %s, %d cpus%n", STALE_AFTER, staleEvery, batch,
                runs, baselineRuns, analyze, durable, Runtime.version(), Runtime.getRuntime().availableProcessors());

        // Warm-up (JIT, machine pool, connection pool): not reported.
        measure("warm-up bulk", 10_000, staleEvery, batch, analyze, false);
        measure("warm-up per-peer", 2_000, staleEvery, batch, analyze, true);

        List<String> summary = new ArrayList<>();
        summary.add("| path | peers | stale | runs | median ms | min ms | max ms | stale peers/s (median) |");
        summary.add("|---|---|---|---|---|---|---|---|");
        Double baselineMedian = null;
        Double bulkMedianAt10k = null;
        for (int size : sizes) {
            List<Double> times = new ArrayList<>();
            int stale = 0;
            for (int r = 1; r <= runs; r++) {
                Measurement m = measure("bulk run " + r, size, staleEvery, batch, analyze, false);
                times.add(m.millis());
                stale = m.stale();
            }
            double median = median(times);
            if (size == 10_000) {
                bulkMedianAt10k = median;
            }
            summary.add(row("bulk (set-based)", size, stale, times));
        }
        if (baselineRuns > 0) {
            List<Double> times = new ArrayList<>();
            int stale = 0;
            for (int r = 1; r <= baselineRuns; r++) {
                Measurement m = measure("per-peer run " + r, 10_000, staleEvery, batch, analyze, true);
                times.add(m.millis());
                stale = m.stale();
            }
            baselineMedian = median(times);
            summary.add(row("per-peer (old, baseline)", 10_000, stale, times));
        }
        System.out.println();
        summary.forEach(System.out::println);
        if (baselineMedian != null && bulkMedianAt10k != null) {
            System.out.printf(Locale.ROOT, "%nratio at 10,000 peers: per-peer median / bulk median = %.1fx%n",
                    baselineMedian / bulkMedianAt10k);
        }
    }

    private record Measurement(double millis, int stale) {
    }

    private static Measurement measure(String label, int peers, int staleEvery, int batch, boolean analyze,
                                       boolean perPeer) throws SQLException {
        try (HikariDataSource ds = freshDatabase(); DataContext data = DataContext.over(ds)) {
            Instant now = Instant.now();
            Tx tx = data.tx();
            AuditLog audit = new AuditLog(keyring(), Clock.systemUTC());
            LifecycleEngine engine = new LifecycleEngine(tx, audit, Clock.systemUTC());
            PeerLifecycle lifecycle = new PeerLifecycle(engine, new PeerLifecycleConfiguration(STALE_AFTER, false));
            PeerRepository repository = new PeerRepository(tx, data.bean(PeerTable.class));
            int stale = seed(ds, peers, staleEvery, now, analyze);

            long started = System.nanoTime();
            int marked;
            String detail;
            if (perPeer) {
                marked = perPeerSweep(repository, lifecycle, now);
                detail = "";
            } else {
                SweepResult result = new StaleSweeper(repository, lifecycle, STALE_AFTER, batch).sweep(now);
                marked = result.markedDegraded();
                detail = ", " + result.batches() + " batches";
            }
            double millis = (System.nanoTime() - started) / 1e6;

            // A figure only counts if the sweep did the whole job and the audit chain still verifies.
            if (marked != stale) {
                throw new IllegalStateException(label + ": marked " + marked + " of " + stale + " stale peers");
            }
            boolean chainOk = tx.read(audit::verify).ok();
            if (!chainOk) {
                throw new IllegalStateException(label + ": audit chain does not verify");
            }
            long auditRows = tx.read(c -> {
                try (Statement st = c.createStatement(); var rs = st.executeQuery("SELECT count(*) FROM audit_events")) {
                    rs.next();
                    return rs.getLong(1);
                }
            });
            System.out.printf(Locale.ROOT, "%-18s %-9s %,7d peers, %,6d stale: %8.1f ms (%,.0f stale peers/s)%s, "
                            + "%,d audit rows%n", label, perPeer ? "per-peer" : "bulk", peers, stale, millis,
                    stale / (millis / 1000), detail, auditRows);
            return new Measurement(millis, stale);
        }
    }

    /**
     * {@code --durable}: every measurement gets a new database in one embedded server run as a
     * real hub runs it (fsync, synchronous commit, full-page writes on). Without it, a database of
     * the test fixture (fsync off), as the figures before issue 11 were taken.
     */
    private static boolean durable;
    private static EmbeddedDatabase durableServer;
    private static int databases;

    private static HikariDataSource freshDatabase() throws SQLException {
        if (!durable) {
            return PostgresFixture.migratedDatabase().dataSource();
        }
        try {
            if (durableServer == null) {
                Path dir = Files.createTempDirectory("entente-sweepbench");
                durableServer = EmbeddedDatabase.start(dir.resolve("pg"), EmbeddedDatabase.Options.DEFAULTS);
                Runtime.getRuntime().addShutdownHook(new Thread(durableServer::close));
            }
            String name = "sweep_" + (++databases);
            String superuser = Files.readString(durableServer.directory().getParent()
                    .resolve(EmbeddedDatabase.SUPERUSER_PASSWORD_FILE)).trim();
            try (Connection c = DriverManager.getConnection(durableServer.jdbcUrl(), EmbeddedDatabase.SUPERUSER, superuser);
                 Statement st = c.createStatement()) {
                st.execute("CREATE DATABASE " + name + " OWNER " + EmbeddedDatabase.HUB_ROLE);
            }
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(durableServer.jdbcUrl().replace("/postgres", "/" + name));
            cfg.setUsername(durableServer.hubUser());
            cfg.setPassword(durableServer.hubPassword());
            cfg.setMaximumPoolSize(4);
            HikariDataSource ds = new HikariDataSource(cfg);
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            return ds;
        } catch (IOException e) {
            throw new SQLException(e);
        }
    }

    /**
     * The sweep as it was before bulk transitions: list stale peers 500 at a time and mark each
     * with its own engine transition (load, machine, optimistic save, audit append, commit).
     */
    static int perPeerSweep(PeerRepository repository, PeerLifecycle lifecycle, Instant now) {
        int marked = 0;
        while (true) {
            List<Peer> batch = repository.listStale(now, STALE_AFTER, 500);
            int before = marked;
            for (Peer peer : batch) {
                try {
                    if (lifecycle.markStale(peer.id(), now).changed()) {
                        marked++;
                    }
                } catch (EntenteException e) {
                    // skipped, as the old sweeper did (conflict, not stale, rejected)
                }
            }
            if (batch.isEmpty() || marked == before) {
                return marked;
            }
        }
    }

    // Every staleEvery-th peer last sent a heartbeat 6 min to ~66 min ago (stale at 5m); the rest
    // within the last minute. Returns how many are stale.
    private static int seed(HikariDataSource ds, int peers, int staleEvery, Instant now, boolean analyze)
            throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO peers (id, name, state, last_heartbeat_at) "
                    + "SELECT gen_random_uuid(), 'peer-' || i, 'active', CASE WHEN i % ? = 0 "
                    + "THEN ?::timestamptz - make_interval(secs => 360 + i % 3600) "
                    + "ELSE ?::timestamptz - make_interval(secs => i % 60) END FROM generate_series(1, ?) AS i")) {
                ps.setInt(1, staleEvery);
                ps.setTimestamp(2, Timestamp.from(now));
                ps.setTimestamp(3, Timestamp.from(now));
                ps.setInt(4, peers);
                ps.executeUpdate();
            }
            if (analyze) {
                try (Statement st = c.createStatement()) {
                    st.execute("VACUUM ANALYZE peers");
                }
            }
        }
        return peers / staleEvery;
    }

    private static AuditKeyring keyring() {
        return new AuditKeyring() {
            @Override
            public AuditKey current() {
                return KEY;
            }

            @Override
            public Optional<AuditKey> byId(String id) {
                return KEY.id().equals(id) ? Optional.of(KEY) : Optional.empty();
            }
        };
    }

    private static String row(String path, int peers, int stale, List<Double> times) {
        double median = median(times);
        return String.format(Locale.ROOT, "| %s | %,d | %,d | %d | %.1f | %.1f | %.1f | %,.0f |", path, peers, stale,
                times.size(), median, Collections.min(times), Collections.max(times), stale / (median / 1000));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<Integer> parseSizes(String csv) {
        List<Integer> out = new ArrayList<>();
        for (String s : csv.split(",")) {
            out.add(Integer.parseInt(s.trim()));
        }
        return out;
    }
}
