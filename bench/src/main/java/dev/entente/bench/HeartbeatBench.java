package dev.entente.bench;

import static dev.entente.bench.MtlsHarness.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.authority.FederationCa;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.client.cli.Main;
import dev.entente.federation.access.FederationAccessCache;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.federation.PeerClient;
import dev.entente.controlplane.hub.HubLauncher;
import dev.entente.controlplane.hub.RunningHub;
import dev.entente.federation.heartbeat.HeartbeatCoalescer;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.protocol.FederationProtocol;
import dev.entente.federation.protocol.Heartbeat;
import dev.entente.lifecycle.db.Tx;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The heartbeat-ingestion harness behind {@code docs/performance.md}: how many
 * {@code POST /federation/v1/heartbeat} requests per second hub A records from hub B over mTLS,
 * against {@code GET /federation/v1/ping} (no database, no certificate check) on the very same
 * connections as the baseline, in one run.
 *
 * <p>Two real hubs start in-process, each on its own embedded PostgreSQL and temporary data dir,
 * with the in-process worker off (no background heartbeats or sweeps during the measurement).
 * They are linked as {@code TwoHubsSpec} links them (propose on A and accept on B through
 * {@link Main#run}), then brought to {@code active} on both sides with one explicit heartbeat each
 * way ({@code FederationService.sendHeartbeat}, the code the worker runs). Each client thread then
 * holds one {@link PeerClient} from {@code b.bean(FederationService.class).clientFor(peerA)} (B's node
 * certificate for A, A's TLS fingerprint pinned) for the whole run, so every request rides a
 * kept-alive TLS 1.3 connection and no handshake is measured.
 *
 * <p>First a warm-up at the highest thread count, in turns of 1 s per endpoint, for at least
 * {@code --warmup-seconds} turns and until the JIT spends under 100 ms in a turn (at most 10
 * turns; on a loaded machine it may never get there). Per thread count: 1 s more of each endpoint, then {@code --windows} pairs of
 * fixed-duration windows, ping and heartbeat alternating which goes first, so that a change in
 * machine load hits both. Reported: requests/s as the median over windows, latency p50/p99 over
 * every request of the measured windows, the ratio of the medians, and the median of the
 * per-pair ratios. Machine-wide CPU time per request (from {@code /proc/stat}: this JVM, both
 * PostgreSQL servers and anything else running) is printed beside it as a cross-check.
 *
 * <p>Last, a single-threaded in-process breakdown of the handler's steps on hub A (the calls
 * {@code PeerAuthenticator.authenticate} and {@code FederationService.receiveHeartbeat} make,
 * without HTTP), which says where a heartbeat's time goes.
 *
 * <p>Run with {@code bench/run heartbeats}; options: {@code --threads 1,2}, {@code --windows 7},
 * {@code --window-seconds 2}, {@code --warmup-seconds 3}, {@code --profile-ops 2000}.
 */
public final class HeartbeatBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PING = "federation/v1/ping";
    private static final String HEARTBEAT = "federation/v1/heartbeat";
    private static final int MAX_WARMUP_TURNS = 10;

    private HeartbeatBench() {
    }

    /** Starts the hubs, measures, prints the figures, stops the hubs. */
    private static boolean durable = true;

    public static void main(String[] args) throws Exception {
        List<Integer> threadCounts = List.of(1, 2);
        int windows = 7;
        double windowSeconds = 2;
        double warmupSeconds = 5;
        int profileOps = 1000;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).map(String::trim)
                        .map(Integer::parseInt).toList();
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--window-seconds" -> windowSeconds = Double.parseDouble(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--profile-ops" -> profileOps = Integer.parseInt(args[++i]);
                case "--durable" -> durable = Boolean.parseBoolean(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "heartbeat ingestion bench: threads %s, %d windows x %.1f s per endpoint, "
                        + "warm-up %.1f s per endpoint, then 1 s per endpoint and thread count, java %s, %d cpus%n", threadCounts, windows,
                windowSeconds, warmupSeconds, Runtime.version(), Runtime.getRuntime().availableProcessors());

        long started = System.nanoTime();
        RunningHub a = null;
        RunningHub b = null;
        try {
            a = startHub("hub-a");
            b = startHub("hub-b");
            Link link = link(a, b);
            System.out.printf(Locale.ROOT, "hubs up and linked in %.1f s: A %s (peer B = %s), B %s (peer A = %s)%n",
                    (System.nanoTime() - started) / 1e9, a.url(), link.peerBonA(), b.url(), link.peerAonB());

            System.out.println("A's PostgreSQL: " + a.bean(Tx.class).read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT version(), current_setting('fsync'), "
                        + "current_setting('synchronous_commit')"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1).replaceFirst(" on .*", "") + ", fsync=" + rs.getString(2)
                            + ", synchronous_commit=" + rs.getString(3);
                }
            }));
            RunningHub hubB = b;
            Peer peerA = b.bean(FederationService.class).peers().find(link.peerAonB()).orElseThrow();
            int maxThreads = Collections.max(threadCounts);
            PeerClient[] clients = new PeerClient[maxThreads];
            for (int i = 0; i < maxThreads; i++) {
                clients[i] = b.bean(FederationService.class).clientFor(peerA);
            }
            List<String> served = b.bean(FederationService.class).servedFingerprints();
            String caPhase = b.bean(RotationLifecycle.class).phase().value();
            Supplier<Heartbeat> heartbeat = () -> new Heartbeat(FederationProtocol.VERSION, hubB.hubId(),
                    Instant.now().toString(), served, caPhase, Map.of());
            Endpoint ping = new Endpoint("ping (baseline)", c -> c.get(PING));
            Endpoint hb = new Endpoint("heartbeat", c -> c.post(HEARTBEAT, heartbeat.get()));

            // Sanity: both answer as expected, from A.
            JsonNode pong = clients[0].get(PING);
            JsonNode answer = clients[0].post(HEARTBEAT, heartbeat.get());
            if (!a.hubId().equals(pong.path("hub_id").asText())
                    || !a.hubId().equals(answer.path("hub_id").asText())) {
                throw new IllegalStateException("unexpected answers: " + pong + " / " + answer);
            }
            long receivedBefore = received(a, link.peerBonA());

            ExecutorService pool = Executors.newFixedThreadPool(maxThreads, r -> {
                Thread t = new Thread(r, "bench-client");
                t.setDaemon(true);
                return t;
            });
            List<String> summary = new ArrayList<>();
            summary.add("| threads | endpoint | windows | req/s (median) | min | max | p50 ms | p99 ms "
                    + "| CPU µs/req, machine (median) | CPU µs/req, JVM (median) |");
            summary.add("|---|---|---|---|---|---|---|---|---|---|");
            List<String> ratios = new ArrayList<>();
            long measuredHeartbeats = 1; // the sanity call above
            try {
                // JIT both sides of both paths before anything counts: 1 s of each, in turns, for at
                // least --warmup-seconds per endpoint and until a turn compiles for under 100 ms
                // (C2 on 2 vCPUs keeps compiling Netty, Micronaut and Reactor code for a while).
                CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
                long warmupStarted = System.nanoTime();
                int turns = 0;
                long lastTurnCompileMs = -1;
                while (true) {
                    long compiledBefore = jit.getTotalCompilationTime();
                    for (Endpoint e : List.of(ping, hb)) {
                        measuredHeartbeats += countIf(e == hb, window(pool, clients, maxThreads, e, 1).requests());
                    }
                    turns++;
                    lastTurnCompileMs = jit.getTotalCompilationTime() - compiledBefore;
                    if ((turns >= warmupSeconds && lastTurnCompileMs < 100) || turns >= MAX_WARMUP_TURNS) {
                        break;
                    }
                }
                System.out.printf(Locale.ROOT, "warm-up: %d turns of 1 s per endpoint at %d thread(s), %.1f s; "
                                + "JIT time in the last turn %d ms%n", turns, maxThreads,
                        (System.nanoTime() - warmupStarted) / 1e9, lastTurnCompileMs);
                for (int threads : threadCounts) {
                    for (Endpoint e : List.of(ping, hb)) {
                        measuredHeartbeats += countIf(e == hb, window(pool, clients, threads, e, 1).requests());
                    }
                    List<Window> pings = new ArrayList<>();
                    List<Window> beats = new ArrayList<>();
                    for (int w = 1; w <= windows; w++) {
                        List<Endpoint> order = w % 2 == 1 ? List.of(ping, hb) : List.of(hb, ping);
                        for (Endpoint e : order) {
                            Window r = window(pool, clients, threads, e, windowSeconds);
                            (e == ping ? pings : beats).add(r);
                            measuredHeartbeats += countIf(e == hb, r.requests());
                            System.out.printf(Locale.ROOT, "%d thread(s) window %d %-16s %,8.0f req/s  p50 %6.2f ms  "
                                            + "p99 %6.2f ms  CPU µs/req: machine %6.0f, JVM %6.0f%n", threads, w, e.name(),
                                    r.rate(), percentile(r.latencies(), 50) / 1e6, percentile(r.latencies(), 99) / 1e6,
                                    r.cpuMicrosPerRequest(), r.jvmCpuMicrosPerRequest());
                        }
                    }
                    summary.add(row(threads, ping.name(), pings));
                    summary.add(row(threads, hb.name(), beats));
                    List<Double> pairRatios = new ArrayList<>();
                    for (int w = 0; w < windows; w++) {
                        pairRatios.add(beats.get(w).rate() / pings.get(w).rate());
                    }
                    double medianPing = median(pings.stream().map(Window::rate).toList());
                    double medianBeat = median(beats.stream().map(Window::rate).toList());
                    ratios.add(String.format(Locale.ROOT, "%d thread(s): heartbeat/baseline = %,.0f / %,.0f = %.1f%% "
                                    + "(median of per-window-pair ratios %.1f%%, range %.1f%%-%.1f%%); "
                                    + "by machine CPU per request %.1f%%", threads, medianBeat, medianPing,
                            100 * medianBeat / medianPing, 100 * median(pairRatios), 100 * Collections.min(pairRatios),
                            100 * Collections.max(pairRatios),
                            100 * median(pings.stream().map(Window::cpuMicrosPerRequest).toList())
                                    / median(beats.stream().map(Window::cpuMicrosPerRequest).toList())));
                }
            } finally {
                pool.shutdownNow();
            }
            long recorded = received(a, link.peerBonA()) - receivedBefore + 1;
            System.out.printf(Locale.ROOT, "%nA recorded %,d heartbeats from B during the run; the bench sent %,d "
                    + "(all answered 200)%n", recorded, measuredHeartbeats);
            System.out.printf(Locale.ROOT, "established TCP connections to A's port after the run: %s%n",
                    connectionsTo(a.port()));

            System.out.println();
            summary.forEach(System.out::println);
            System.out.println();
            ratios.forEach(System.out::println);
            System.out.println("target: heartbeat ingestion >= 50% of the baseline");

            profile(a, b, link, profileOps);
        } finally {
            if (b != null) {
                b.stop();
            }
            if (a != null) {
                a.stop();
            }
            System.out.printf(Locale.ROOT, "%ntotal %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        // The hubs are stopped, but idle non-daemon "io-executor" threads of their Micronaut
        // contexts would keep this JVM alive for up to a minute more.
        System.exit(0);
    }

    // ------------------------------------------------------------------ hubs

    private static RunningHub startHub(String name) throws IOException {
        // Start flags, as HubLauncher takes them: a Micronaut property source.
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("entente.data-dir", Files.createTempDirectory("entente-hbbench-" + name).toString());
        flags.put("entente.hub.bind", "127.0.0.1");
        flags.put("entente.hub.port", 0);
        flags.put("entente.hub.name", name);
        // Nothing in the background: no worker (heartbeats, sweeps), and long intervals regardless.
        flags.put("entente.worker.in-process", false);
        flags.put("entente.heartbeat.interval", "1h");
        flags.put("entente.heartbeat.stale-after", "24h");
        flags.put("entente.sweep.interval", "1h");
        // A real hub's database is durable (issue 11); --durable false measures the old setting.
        flags.put("entente.database.durable", durable);
        return HubLauncher.launch(flags, null, Map.of(), Clock.systemUTC());
    }

    private static long received(RunningHub a, UUID peerBonA) {
        // Quiet heartbeats are buffered for up to 250 ms: write them before counting.
        a.bean(HeartbeatCoalescer.class).flush();
        return a.bean(FederationService.class).peers().find(peerBonA).orElseThrow().heartbeatsReceived();
    }

    // ------------------------------------------------------------------ load

    // ------------------------------------------------------------------ where the time goes

    /**
     * Single-threaded, in-process on hub A, no HTTP: the steps of the heartbeat handler one by
     * one, each timed over {@code ops} calls (median of 5 batches, after a warm-up batch).
     */
    private static void profile(RunningHub a, RunningHub b, Link link, int ops) throws Exception {
        // Looked up once: the steps time the calls, not the context.
        CertificateAuthority authority = a.bean(CertificateAuthority.class);
        FederationAccessCache accessCache = a.bean(FederationAccessCache.class);
        HeartbeatCoalescer heartbeats = a.bean(HeartbeatCoalescer.class);
        FederationService federation = a.bean(FederationService.class);
        RotationLifecycle rotation = a.bean(RotationLifecycle.class);
        FederationCa federationCa = a.bean(FederationCa.class);
        Tx tx = a.bean(Tx.class);
        Peer peerA = b.bean(FederationService.class).peers().find(link.peerAonB()).orElseThrow();
        String leafPem = peerA.clientCertPem();
        X509Certificate leaf = Certificates.parsePem(leafPem).get(0);
        PublicKey caKey = authority.trustedCertificates().stream()
                .filter(ca -> ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal()))
                .findFirst().orElseThrow().getPublicKey();
        UUID id = link.peerBonA();
        List<String> fps = b.bean(FederationService.class).servedFingerprints();
        Map<String, Step> steps = new LinkedHashMap<>();
        // The handler's path for a keep-alive caller of an active peer: both steps in memory.
        steps.put("authenticate: accessCache().caller (cache hit, validity checked against the clock)",
                () -> accessCache.caller(leaf, Instant.now()));
        steps.put("receive: heartbeats().offer (quiet heartbeat buffered for the batched write)",
                () -> heartbeats.offer(id, Instant.now(), 0L, 1, "standby", fps));
        steps.put("per flush interval, not per heartbeat: heartbeats().flush() (one peer buffered)", () -> {
            heartbeats.offer(id, Instant.now(), 0L, 1, "standby", fps);
            heartbeats.flush();
            return null;
        });
        // What a cache miss (a new certificate, after an invalidation) and a state-changing
        // heartbeat cost: the path every heartbeat took before the cache and the coalescer.
        steps.put("miss: authority().verifyClientChain (same cert object: JDK caches the signature check)",
                () -> authority.verifyClientChain(leaf, Instant.now()));
        steps.put("miss: peers().find", () -> federation.peers().find(id));
        steps.put("state change: lifecycle().recordHeartbeat (quiet transition, unbuffered)", () -> federation.lifecycle()
                .recordHeartbeat(id, Instant.now(), 0L, 1, "standby", fps));
        steps.put("uncached (the handler re-reads it once a second): rotation().phase()", () -> rotation.phase());
        steps.put("uncached (the handler re-reads it once a second): federationCa().signingKey()", () -> federationCa.signingKey());
        steps.put("floor: one pooled read, SELECT 1", () -> tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }));
        steps.put("new TLS session only: parse the client cert PEM + Ed25519 verify", () -> {
            Certificates.parsePem(leafPem).get(0).verify(caKey);
            return null;
        });
        long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        System.out.printf(Locale.ROOT, "%nwhere a heartbeat's time goes on A (1 thread, in-process, %,d calls per batch,"
                + " median of 5 batches):%n", ops);
        System.out.println("| step | DB statements | µs per call |");
        System.out.println("|---|---|---|");
        Map<String, String> statements = new LinkedHashMap<>();
        statements.put("authenticate: accessCache().caller (cache hit, validity checked against the clock)", "0");
        statements.put("receive: heartbeats().offer (quiet heartbeat buffered for the batched write)", "0");
        statements.put("per flush interval, not per heartbeat: heartbeats().flush() (one peer buffered)",
                "3 round trips: SELECT ... FOR UPDATE in id order, UPDATE ... FROM unnest(...), COMMIT");
        statements.put("miss: authority().verifyClientChain (same cert object: JDK caches the signature check)",
                "2 (CA row; issued_certificates by fingerprint)");
        statements.put("miss: peers().find", "1");
        statements.put("state change: lifecycle().recordHeartbeat (quiet transition, unbuffered)",
                "1 (guarded UPDATE; the engine path when not active)");
        statements.put("uncached (the handler re-reads it once a second): rotation().phase()", "1");
        statements.put("uncached (the handler re-reads it once a second): federationCa().signingKey()", "1 (CA row)");
        statements.put("floor: one pooled read, SELECT 1", "1");
        statements.put("new TLS session only: parse the client cert PEM + Ed25519 verify", "0");
        double handlerTotal = 0;
        for (Map.Entry<String, Step> s : steps.entrySet()) {
            run(s.getValue(), Math.max(100, ops / 4));
            List<Double> batches = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                long t0 = System.nanoTime();
                run(s.getValue(), ops);
                batches.add((System.nanoTime() - t0) / 1e3 / ops);
            }
            double us = median(batches);
            if (s.getKey().startsWith("authenticate") || s.getKey().startsWith("receive")) {
                handlerTotal += us;
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f |%n", s.getKey(), statements.get(s.getKey()), us);
        }
        System.out.printf(Locale.ROOT, "sum of the handler's steps for a keep-alive heartbeat (authenticate + receive): %.1f µs "
                + "(thread CPU during the breakdown: %.1f s)%n", handlerTotal,
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore) / 1e9);
    }

    // ------------------------------------------------------------------ figures

}
