package dev.entente.bench;

import static dev.entente.bench.MtlsHarness.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.crypto.Certificates;
import dev.entente.controlplane.api.federation.FederationResourcesController;
import dev.entente.client.cli.Main;
import dev.entente.federation.access.FederationAccessCache;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.federation.PeerClient;
import dev.entente.controlplane.hub.HubLauncher;
import dev.entente.controlplane.hub.RunningHub;
import dev.entente.federation.grant.AccessRequest;
import dev.entente.federation.grant.Grant;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.grant.Permission;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.lifecycle.db.Tx;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.file.Files;
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
import java.util.concurrent.atomic.AtomicLong;

/**
 * The authorized-resource-read harness behind {@code docs/performance.md}: how many
 * {@code GET /federation/v1/resources/service/web-1} requests per second hub A answers to hub B
 * over mTLS with B's read grant, against {@code GET /federation/v1/ping} (no database, no
 * certificate check, no grant) on the very same connections as the baseline, in one run.
 *
 * <p>Set-up as {@link HeartbeatBench} (whose hub start, link and load-window code this copies):
 * two in-process hubs, worker off, linked through {@link Main#run} and brought to {@code active}.
 * Then, as {@code GrantsSpec} does, {@code entente resources put service/web-1 --instance i-1
 * --network n-1} on A and {@code entente grants issue --peer hub-b --scopes read --instances i-1
 * --networks n-1} on A, whose {@code bearer_token} B's clients send as
 * {@code Authorization: Bearer fg-...} with {@code Federation-Instance-Id: i-1} and
 * {@code Federation-Network-Id: n-1}. Each client thread holds one {@link PeerClient} (keep-alive,
 * no handshake measured). Every read's answer is checked (a non-2xx makes {@link PeerClient} throw,
 * which aborts the run; the body must be web-1 in i-1/n-1).
 *
 * <p>Warm-up, windows and figures as in {@link HeartbeatBench}; last, a single-threaded in-process
 * breakdown of the read handler's steps on hub A.
 *
 * <p>Run with {@code bench/run resources}; options: {@code --threads 2}, {@code --windows 7},
 * {@code --window-seconds 2}, {@code --warmup-seconds 5}, {@code --max-warmup-turns 10},
 * {@code --profile-ops 1000}.
 */
public final class ResourceReadBench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PING = "federation/v1/ping";
    private static final String READ = "federation/v1/resources/service/web-1";
    private static final String INSTANCE = "i-1";
    private static final String NETWORK = "n-1";
    private static final AtomicLong READS_CHECKED = new AtomicLong();

    private ResourceReadBench() {
    }

    /** Starts the hubs, measures, prints the figures, stops the hubs. */
    public static void main(String[] args) throws Exception {
        List<Integer> threadCounts = List.of(2);
        int windows = 7;
        double windowSeconds = 2;
        double warmupSeconds = 5;
        int profileOps = 1000;
        int maxWarmupTurns = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).map(String::trim)
                        .map(Integer::parseInt).toList();
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--window-seconds" -> windowSeconds = Double.parseDouble(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--profile-ops" -> profileOps = Integer.parseInt(args[++i]);
                case "--max-warmup-turns" -> maxWarmupTurns = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "authorized resource read bench: threads %s, %d windows x %.1f s per endpoint, "
                        + "warm-up %.1f s per endpoint, then 1 s per endpoint and thread count, java %s, %d cpus%n", threadCounts, windows,
                windowSeconds, warmupSeconds, Runtime.version(), Runtime.getRuntime().availableProcessors());

        long started = System.nanoTime();
        RunningHub a = null;
        RunningHub b = null;
        try {
            a = startHub("hub-a");
            b = startHub("hub-b");
            Link link = link(a, b);
            cli(a, "resources", "put", "service/web-1", "--instance", INSTANCE, "--network", NETWORK, "--attr", "port=443",
                    "--output", "json");
            JsonNode issued = cli(a, "grants", "issue", "--peer", "hub-b", "--scopes", "read", "--instances", INSTANCE,
                    "--networks", NETWORK, "--output", "json");
            String token = issued.path("bearer_token").asText();
            if (!token.startsWith("fg-")) {
                throw new IllegalStateException("no bearer token in " + issued);
            }
            System.out.printf(Locale.ROOT, "hubs up, linked, resource put and grant %s issued in %.1f s: A %s (peer B = %s), "
                            + "B %s (peer A = %s)%n", issued.path("grant").path("id").asText(),
                    (System.nanoTime() - started) / 1e9, a.url(), link.peerBonA(), b.url(), link.peerAonB());

            System.out.println("A's PostgreSQL: " + a.bean(Tx.class).read(c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT version(), current_setting('fsync'), "
                        + "current_setting('synchronous_commit')"); ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getString(1).replaceFirst(" on .*", "") + ", fsync=" + rs.getString(2)
                            + ", synchronous_commit=" + rs.getString(3);
                }
            }));
            Peer peerA = b.bean(FederationService.class).peers().find(link.peerAonB()).orElseThrow();
            int maxThreads = Collections.max(threadCounts);
            PeerClient[] clients = new PeerClient[maxThreads];
            for (int i = 0; i < maxThreads; i++) {
                clients[i] = b.bean(FederationService.class).clientFor(peerA);
            }
            Map<String, String> headers = Map.of("Authorization", "Bearer " + token,
                    FederationResourcesController.INSTANCE_HEADER, INSTANCE,
                    FederationResourcesController.NETWORK_HEADER, NETWORK);
            String hubA = a.hubId();
            Endpoint ping = new Endpoint("ping (baseline)", c -> {
                JsonNode pong = c.get(PING);
                if (!hubA.equals(pong.path("hub_id").asText())) {
                    throw new IllegalStateException("unexpected ping answer " + pong);
                }
                return pong;
            });
            Endpoint read = new Endpoint("resource read", c -> checked(c.get(READ, headers)));

            // Sanity, and a negative control: without the grant the read must be refused.
            System.out.println("first read: " + read.call().call(clients[0]));
            try {
                clients[0].get(READ, Map.of(FederationResourcesController.INSTANCE_HEADER, INSTANCE,
                        FederationResourcesController.NETWORK_HEADER, NETWORK));
                throw new IllegalStateException("a read without the grant was answered");
            } catch (dev.entente.lifecycle.error.EntenteException e) {
                System.out.println("control, read without the grant: refused, " + e.extensions());
            }
            ping.call().call(clients[0]);

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
            long sentReads = 1; // the sanity call above
            try {
                CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
                long warmupStarted = System.nanoTime();
                int turns = 0;
                long lastTurnCompileMs = -1;
                while (true) {
                    long compiledBefore = jit.getTotalCompilationTime();
                    for (Endpoint e : List.of(ping, read)) {
                        sentReads += countIf(e == read, window(pool, clients, maxThreads, e, 1).requests());
                    }
                    turns++;
                    lastTurnCompileMs = jit.getTotalCompilationTime() - compiledBefore;
                    if ((turns >= warmupSeconds && lastTurnCompileMs < 100) || turns >= maxWarmupTurns) {
                        break;
                    }
                }
                System.out.printf(Locale.ROOT, "warm-up: %d turns of 1 s per endpoint at %d thread(s), %.1f s; "
                                + "JIT time in the last turn %d ms%n", turns, maxThreads,
                        (System.nanoTime() - warmupStarted) / 1e9, lastTurnCompileMs);
                for (int threads : threadCounts) {
                    for (Endpoint e : List.of(ping, read)) {
                        sentReads += countIf(e == read, window(pool, clients, threads, e, 1).requests());
                    }
                    List<Window> pings = new ArrayList<>();
                    List<Window> reads = new ArrayList<>();
                    for (int w = 1; w <= windows; w++) {
                        List<Endpoint> order = w % 2 == 1 ? List.of(ping, read) : List.of(read, ping);
                        for (Endpoint e : order) {
                            Window r = window(pool, clients, threads, e, windowSeconds);
                            (e == ping ? pings : reads).add(r);
                            sentReads += countIf(e == read, r.requests());
                            System.out.printf(Locale.ROOT, "%d thread(s) window %d %-16s %,8.0f req/s  p50 %6.2f ms  "
                                            + "p99 %6.2f ms  CPU µs/req: machine %6.0f, JVM %6.0f%n", threads, w, e.name(),
                                    r.rate(), percentile(r.latencies(), 50) / 1e6, percentile(r.latencies(), 99) / 1e6,
                                    r.cpuMicrosPerRequest(), r.jvmCpuMicrosPerRequest());
                        }
                    }
                    summary.add(row(threads, ping.name(), pings));
                    summary.add(row(threads, read.name(), reads));
                    List<Double> pairRatios = new ArrayList<>();
                    for (int w = 0; w < windows; w++) {
                        pairRatios.add(reads.get(w).rate() / pings.get(w).rate());
                    }
                    double medianPing = median(pings.stream().map(Window::rate).toList());
                    double medianRead = median(reads.stream().map(Window::rate).toList());
                    ratios.add(String.format(Locale.ROOT, "%d thread(s): read/baseline = %,.0f / %,.0f = %.1f%% "
                                    + "(median of per-window-pair ratios %.1f%%, range %.1f%%-%.1f%%); "
                                    + "by machine CPU per request %.1f%%", threads, medianRead, medianPing,
                            100 * medianRead / medianPing, 100 * median(pairRatios), 100 * Collections.min(pairRatios),
                            100 * Collections.max(pairRatios),
                            100 * median(pings.stream().map(Window::cpuMicrosPerRequest).toList())
                                    / median(reads.stream().map(Window::cpuMicrosPerRequest).toList())));
                }
            } finally {
                pool.shutdownNow();
            }
            if (READS_CHECKED.get() != sentReads) {
                throw new IllegalStateException("checked " + READS_CHECKED.get() + " reads but sent " + sentReads);
            }
            System.out.printf(Locale.ROOT, "%nthe bench sent %,d authorized reads; all %,d answered 2xx with web-1 "
                    + "(instance %s, network %s)%n", sentReads, READS_CHECKED.get(), INSTANCE, NETWORK);
            System.out.printf(Locale.ROOT, "established TCP connections to A's port after the run: %s%n",
                    connectionsTo(a.port()));

            System.out.println();
            summary.forEach(System.out::println);
            System.out.println();
            ratios.forEach(System.out::println);
            System.out.println("target: authorized resource reads >= 70% of the baseline");

            profile(a, b, link, token, profileOps);
        } finally {
            if (b != null) {
                b.stop();
            }
            if (a != null) {
                a.stop();
            }
            System.out.printf(Locale.ROOT, "%ntotal %.1f s%n", (System.nanoTime() - started) / 1e9);
        }
        System.exit(0);
    }

    /** The read's answer must be the resource put on A; anything else aborts the run. */
    private static JsonNode checked(JsonNode r) {
        if (!"service".equals(r.path("kind").asText()) || !"web-1".equals(r.path("name").asText())
                || !INSTANCE.equals(r.path("instance_id").asText()) || !NETWORK.equals(r.path("network_id").asText())) {
            throw new IllegalStateException("unexpected read answer " + r);
        }
        READS_CHECKED.incrementAndGet();
        return r;
    }

    // ------------------------------------------------------------------ hubs

    private static RunningHub startHub(String name) throws IOException {
        // Start flags, as HubLauncher takes them: a Micronaut property source.
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("entente.data-dir", Files.createTempDirectory("entente-resbench-" + name).toString());
        flags.put("entente.hub.bind", "127.0.0.1");
        flags.put("entente.hub.port", 0);
        flags.put("entente.hub.name", name);
        // Nothing in the background: no worker (heartbeats, sweeps), and long intervals regardless.
        flags.put("entente.worker.in-process", false);
        flags.put("entente.heartbeat.interval", "1h");
        flags.put("entente.heartbeat.stale-after", "24h");
        flags.put("entente.sweep.interval", "1h");
        return HubLauncher.launch(flags, null, Map.of(), Clock.systemUTC());
    }

    // ------------------------------------------------------------------ load

    // ------------------------------------------------------------------ where the time goes

    /**
     * Single-threaded, in-process on hub A, no HTTP: the read handler's steps one by one, each
     * timed over {@code ops} calls (median of 5 batches, after a warm-up batch).
     */
    private static void profile(RunningHub a, RunningHub b, Link link, String token, int ops) throws Exception {
        // Looked up once: the steps time the calls, not the context.
        GrantAuthorizer grantAuthorizer = a.bean(GrantAuthorizer.class);
        FederationAccessCache accessCache = a.bean(FederationAccessCache.class);
        Clock clock = a.bean(Clock.class);
        ResourceRepository resources = a.bean(ResourceRepository.class);
        CertificateAuthority authority = a.bean(CertificateAuthority.class);
        FederationService federation = a.bean(FederationService.class);
        Tx tx = a.bean(Tx.class);
        Peer peerA = b.bean(FederationService.class).peers().find(link.peerAonB()).orElseThrow();
        X509Certificate leaf = Certificates.parsePem(peerA.clientCertPem()).get(0);
        UUID id = link.peerBonA();
        Grant grant = grantAuthorizer.authenticate(token, id);
        InetAddress source = InetAddress.getLoopbackAddress();
        Map<String, Step> steps = new LinkedHashMap<>();
        Map<String, String> statements = new LinkedHashMap<>();
        // The handler's path for a keep-alive caller: every step in memory.
        steps.put("authenticate: accessCache().caller (cache hit)", () -> accessCache.caller(leaf, Instant.now()));
        statements.put("authenticate: accessCache().caller (cache hit)", "0");
        steps.put("grant: grantAuthorizer().authenticate", () -> grantAuthorizer.authenticate(token, id));
        statements.put("grant: grantAuthorizer().authenticate", "0 (grant row cached by id) + SHA-256 of the secret, constant-time compare");
        steps.put("grant: grantAuthorizer().decide", () -> grantAuthorizer.decide(grant,
                new AccessRequest(Permission.READ, INSTANCE, NETWORK, source, clock.instant())));
        statements.put("grant: grantAuthorizer().decide", "0 (compiled grant, cached)");
        steps.put("read: accessCache().resource", () -> accessCache.resource("service", "web-1",
                () -> resources.get("service", "web-1")));
        statements.put("read: accessCache().resource", "0");
        // What a miss costs (a new certificate, or right after an invalidation).
        steps.put("miss: authority().verifyClientChain", () -> authority.verifyClientChain(leaf, Instant.now()));
        statements.put("miss: authority().verifyClientChain", "2 on 1 connection (CA row; issued_certificates by fingerprint)");
        steps.put("miss: peers().find", () -> federation.peers().find(id));
        statements.put("miss: peers().find", "1");
        steps.put("miss: resources().get", () -> resources.get("service", "web-1"));
        statements.put("miss: resources().get", "1");
        steps.put("floor: one pooled read, SELECT 1", () -> tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1"); ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }));
        statements.put("floor: one pooled read, SELECT 1", "1");
        long cpuBefore = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
        System.out.printf(Locale.ROOT, "%nwhere a read's time goes on A (1 thread, in-process, %,d calls per batch,"
                + " median of 5 batches):%n", ops);
        System.out.println("| step | DB statements | µs per call |");
        System.out.println("|---|---|---|");
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
            if (!s.getKey().startsWith("floor") && !s.getKey().startsWith("miss")) {
                handlerTotal += us;
            }
            System.out.printf(Locale.ROOT, "| %s | %s | %.1f |%n", s.getKey(), statements.get(s.getKey()), us);
        }
        System.out.printf(Locale.ROOT, "sum of the handler's steps for a keep-alive read (cache hits): %.1f µs per read "
                        + "(thread CPU during the breakdown: %.1f s)%n", handlerTotal,
                (ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpuBefore) / 1e9);
    }

    // ------------------------------------------------------------------ figures

}
