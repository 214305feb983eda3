package dev.entente.bench;

import static dev.entente.bench.MtlsHarness.percentile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entente.bench.SimulatedPeers.Answer;
import dev.entente.bench.SimulatedPeers.HubConnection;
import dev.entente.bench.SimulatedPeers.Peer;
import dev.entente.ca.crypto.Certificates;
import dev.entente.federation.protocol.FederationProtocol;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * N simulated peers on one hub (issue 15, "Scale on one hub" and "Handshake latency"). The hub is
 * a separate {@code entente start} process (its own JVM and embedded PostgreSQL, durable settings,
 * {@code heartbeat.interval} as given); the peers are {@link SimulatedPeers} in this process.
 *
 * <p>Each peer links through the real handshake: propose on the hub's admin API, then
 * {@code POST /federation/v1/handshake/accept} with its token and CSR (the hub calls the peer's URL
 * back), the hub's CSR signed by the peer's CA, {@code /handshake/complete} over mTLS, and a first
 * heartbeat that makes the hub's peer {@code active}. The first {@code --handshakes} links run one
 * at a time and are timed by step; the rest run on {@code --link-threads}.
 *
 * <p>Then every peer heartbeats the hub once per interval on its kept-alive connection, the peers
 * spread evenly over the interval, for {@code --steady-seconds} after one interval of warm-up:
 * hub CPU (its JVM and its PostgreSQL processes, from {@code /proc}), p50/p99 heartbeat latency at
 * the client, the hub's own heartbeats to the peers, heap after a full GC ({@code jcmd}), the
 * sweep's last duration ({@code /metrics}). Last two restarts (SIGTERM, start again on the same
 * data dir): first every peer reconnects as soon as {@code /healthz} answers (the reconnect storm,
 * the worst case), then each peer reconnects at its next heartbeat slot, as real peers do; for
 * each, the time from the new start until every peer had a heartbeat accepted, the failed attempts
 * by kind (connection refused, TLS, HTTP status, timeout), the CPU of the hub, its PostgreSQL and
 * this process until then, and the hub's count of {@code active} peers. With {@code --jfr} each
 * restart is recorded too ({@code <file>-storm.jfr}, {@code <file>-spread.jfr}).
 *
 * <pre>bench/run scale [--peers 1000] [--interval-seconds 30] [--steady-seconds 60] [--handshakes 50]
 *                 [--link-threads 4] [--client-threads 8] [--no-restart] [--jfr steady.jfr]
 * bench/run handshake   (= scale --peers 50 --handshakes 50 --steady-seconds 0 --no-restart)</pre>
 */
public final class ScaleBench {
    private static final List<String> STEPS = List.of("propose", "accept request", "CSR issuance", "complete",
            "first heartbeat", "total");

    private final SimulatedPeers sim;
    private final Path dataDir;
    private final int port;
    private final int intervalSeconds;
    private Process hub;
    private long hubPid;
    private String hubFingerprint;
    private String hubId;
    private String adminToken;
    private HttpClient http;
    /** Latest accepted heartbeat per peer (System.nanoTime), and the latencies of the measured window. */
    private final AtomicLongArray lastOk;
    private final AtomicLong failures = new AtomicLong();
    private final Map<String, AtomicLong> failureKinds = new java.util.concurrent.ConcurrentHashMap<>();
    /** Kept-alive connections found closed by the hub when used, and replaced at once. */
    private final AtomicLong staleConnections = new AtomicLong();
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong linkRetries = new AtomicLong();
    private volatile long[] window = new long[0];
    private final AtomicLong windowCount = new AtomicLong();
    private volatile boolean recording;
    private ScheduledExecutorService clients;
    private double idleCpu;
    private double idlePgCpu;
    /** Where to write a JFR recording of the hub over the steady window, or null for none. */
    private Path jfr;

    private ScaleBench(int n, Path dataDir, int port, int intervalSeconds) throws Exception {
        this.sim = new SimulatedPeers(n, 4);
        this.dataDir = dataDir;
        this.port = port;
        this.intervalSeconds = intervalSeconds;
        this.lastOk = new AtomicLongArray(n);
    }

    public static void main(String[] args) throws Exception {
        // Before the first TLS context: the simulated peers make an x25519 key share only (the JDK
        // adds a P-256 one otherwise, in pure Java, which the hub never uses).
        System.setProperty("jdk.tls.namedGroups", "x25519");
        int n = 1000;
        int interval = 30;
        int steady = 60;
        int handshakes = 50;
        int linkThreads = 4;
        int clientThreads = 8;
        boolean restart = true;
        Path jfr = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--peers" -> n = Integer.parseInt(args[++i]);
                case "--interval-seconds" -> interval = Integer.parseInt(args[++i]);
                case "--steady-seconds" -> steady = Integer.parseInt(args[++i]);
                case "--handshakes" -> handshakes = Integer.parseInt(args[++i]);
                case "--link-threads" -> linkThreads = Integer.parseInt(args[++i]);
                case "--client-threads" -> clientThreads = Integer.parseInt(args[++i]);
                case "--no-restart" -> restart = false;
                case "--jfr" -> jfr = Path.of(args[++i]).toAbsolutePath();
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("entente-scale-bench");
        System.out.printf(Locale.ROOT, "scale bench: %d peers, heartbeat.interval %d s, steady %d s, %d timed handshakes, "
                + "java %s, %d cpus, load %s%n", n, interval, steady, Math.min(handshakes, n), Runtime.version(),
                Runtime.getRuntime().availableProcessors(), loadAverage());
        ScaleBench bench = new ScaleBench(n, dir, port, interval);
        bench.jfr = jfr;
        int status = 0;
        try {
            bench.run(Math.min(handshakes, n), linkThreads, clientThreads, steady, restart);
        } catch (Exception e) {
            // The peers' thread pools would keep the JVM alive after main ends.
            e.printStackTrace();
            status = 1;
        } finally {
            bench.stopHub();
            bench.sim.close();
        }
        System.exit(status);
    }

    private void run(int timed, int linkThreads, int clientThreads, int steadySeconds, boolean restart) throws Exception {
        long t0 = System.nanoTime();
        startHub();
        System.out.printf(Locale.ROOT, "hub %s up in %.1f s (pid %d, port %d, data dir %s)%n", hubId, secondsSince(t0), hubPid,
                port, dataDir);
        // What the hub spends with no peer at all (its jobs, its pool, JIT), beside the figures below.
        Thread.sleep(5_000);
        long idle0 = hubCpuTicks();
        long idlePg0 = postgresCpuTicks();
        long i0 = System.nanoTime();
        Thread.sleep(10_000);
        double idleSeconds = secondsSince(i0);
        idleCpu = (hubCpuTicks() - idle0) / 100.0 / idleSeconds;
        idlePgCpu = (postgresCpuTicks() - idlePg0) / 100.0 / idleSeconds;
        System.out.printf(Locale.ROOT, "hub with no peers: JVM %.1f%%, PostgreSQL %.1f%% of one core%n", idleCpu * 100,
                idlePgCpu * 100);

        // Handshake latency: one link at a time, nothing else running but the linked peers' heartbeats.
        int n = sim.peers.length;
        clients = Executors.newScheduledThreadPool(clientThreads);
        long[][] steps = new long[STEPS.size()][timed];
        for (int i = 0; i < timed; i++) {
            long[] s = linkAndBeat(sim.peers[i]);
            for (int k = 0; k < s.length; k++) {
                steps[k][i] = s[k];
            }
        }
        if (timed > 0) {
            System.out.printf(Locale.ROOT, "%nhandshake latency over %d links, one at a time (ms):%n", timed);
            System.out.println("| step | p50 | p99 | max |");
            System.out.println("|---|---|---|---|");
            for (int k = 0; k < STEPS.size(); k++) {
                long[] sorted = steps[k].clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f | %.1f |%n", STEPS.get(k), percentile(sorted, 50) / 1e6,
                        percentile(sorted, 99) / 1e6, sorted[sorted.length - 1] / 1e6);
            }
        }
        if (timed < n) {
            long l0 = System.nanoTime();
            ExecutorService pool = Executors.newFixedThreadPool(linkThreads);
            List<Future<long[]>> links = new ArrayList<>();
            for (int i = timed; i < n; i++) {
                Peer p = sim.peers[i];
                links.add(pool.submit(() -> linkAndBeat(p)));
            }
            for (Future<long[]> f : links) {
                f.get();
            }
            pool.shutdown();
            double took = secondsSince(l0);
            System.out.printf(Locale.ROOT, "%nlinked the other %d peers on %d threads in %.1f s (%.0f links/s, %d accepts retried)%n",
                    n - timed, linkThreads, took, (n - timed) / took, linkRetries.get());
        }
        System.out.printf(Locale.ROOT, "all %d peers linked; hub says %s%n", n, peerStates());
        if (steadySeconds <= 0) {
            clients.shutdownNow();
            return;
        }
        System.out.printf(Locale.ROOT, "heartbeating; warm-up %d s%n", intervalSeconds);
        Thread.sleep(TimeUnit.SECONDS.toMillis(intervalSeconds));
        if (jfr != null) {
            // The profile settings sample Java stacks every 10 ms (20 ms is the default's).
            System.out.println(jcmd("JFR.start", "name=scale", "settings=profile", "filename=" + jfr).trim());
        }
        long hubBeatsBefore = sum(sim.hubHeartbeats);
        long benchCpu0 = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        long cpu0 = hubCpuTicks();
        long pg0 = postgresCpuTicks();
        window = new long[Math.max(1024, (int) ((long) n * steadySeconds / intervalSeconds * 2))];
        windowCount.set(0);
        failures.set(0);
        long w0 = System.nanoTime();
        recording = true;
        Thread.sleep(TimeUnit.SECONDS.toMillis(steadySeconds));
        recording = false;
        double took = secondsSince(w0);
        double hubCpu = (hubCpuTicks() - cpu0) / 100.0 / took;
        double pgCpu = (postgresCpuTicks() - pg0) / 100.0 / took;
        double benchCpu = (ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) - benchCpu0)
                / 1e9 / took;
        long hubBeats = sum(sim.hubHeartbeats) - hubBeatsBefore;
        if (jfr != null) {
            System.out.println(jcmd("JFR.stop", "name=scale").trim());
        }
        int count = (int) Math.min(windowCount.get(), window.length);
        long[] lat = Arrays.copyOf(window, count);
        Arrays.sort(lat);
        double heapMiB = heapAfterGcMiB();
        String sweep = sweepFigures();
        String states = peerStates();
        System.out.printf(Locale.ROOT, "%nsteady state over %.0f s (load %s):%n", took, loadAverage());
        System.out.println("| figure | value | target | ratio to target |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| peer heartbeats accepted | %d (%.0f/s), %d failed, %d reconnects | %.0f/s | |%n", count,
                count / took, failures.get(), reconnects.get(), n / (double) intervalSeconds);
        System.out.printf(Locale.ROOT, "| hub JVM CPU | %.1f%% of one core | < 25%% | %.2f |%n", hubCpu * 100, hubCpu / 0.25);
        // A pair: one heartbeat in (a peer's) and one out (the hub's own), each peer once per interval.
        double pairs = n / (double) intervalSeconds;
        System.out.printf(Locale.ROOT, "| hub JVM CPU per heartbeat pair, above the idle hub | %.0f µs | | |%n",
                (hubCpu - idleCpu) / pairs * 1e6);
        System.out.printf(Locale.ROOT, "| hub PostgreSQL CPU | %.1f%% of one core | | |%n", pgCpu * 100);
        System.out.printf(Locale.ROOT, "| this bench process's CPU (the simulated peers) | %.1f%% of one core | | |%n",
                benchCpu * 100);
        System.out.printf(Locale.ROOT, "| the same hub with no peers (JVM / PostgreSQL) | %.1f%% / %.1f%% of one core | | |%n",
                idleCpu * 100, idlePgCpu * 100);
        System.out.printf(Locale.ROOT, "| heartbeat latency at the client p50 / p99 | %.2f / %.2f ms | p99 < 20 ms | %.2f |%n",
                percentile(lat, 50) / 1e6, percentile(lat, 99) / 1e6, percentile(lat, 99) / 1e6 / 20);
        System.out.printf(Locale.ROOT, "| hub heap after full GC | %.0f MiB | < 1024 MiB | %.2f |%n", heapMiB, heapMiB / 1024);
        System.out.printf(Locale.ROOT, "| open file descriptors: hub / this process (limit %s) | %d / %d | | |%n",
                openFileLimit(), openFiles(hubPid), openFiles(ProcessHandle.current().pid()));
        System.out.printf(Locale.ROOT, "| hub heartbeats to the peers | %.0f/s (%d peers never reached) | %.0f/s | %.2f |%n",
                hubBeats / took, unreached(), n / (double) intervalSeconds, hubBeats / took / (n / (double) intervalSeconds));
        System.out.printf(Locale.ROOT, "| sweep | %s | | |%n", sweep);
        System.out.printf(Locale.ROOT, "| peers by state on the hub | %s | all active | |%n", states);

        if (restart) {
            restart(true);
            restart(false);
        }
        clients.shutdownNow();
    }

    /**
     * A hub restart: SIGTERM, start on the same data dir. With {@code atOnce} every peer reconnects
     * as soon as {@code /healthz} answers (the worst case: 16 threads, each connecting and
     * heartbeating one peer after another); without it each peer reconnects at its next heartbeat
     * slot, as real peers do, so the reconnects arrive spread over one interval. Either way a
     * failed attempt waits for the peer's next slot. With {@code --jfr} the hub is recorded from
     * {@code /healthz} until every peer is back.
     */
    private void restart(boolean atOnce) throws Exception {
        System.out.printf(Locale.ROOT, "%nrestart, peers reconnecting %s: SIGTERM the hub, start it again (load %s)%n",
                atOnce ? "all at once after /healthz" : "at their next heartbeat slot", loadAverage());
        stopHub();
        long started = System.nanoTime();
        takeFailureKinds();
        failures.set(0);
        startHub();
        double healthy = secondsSince(started);
        String whileDown = takeFailureKinds();
        failures.set(0);
        staleConnections.set(0);
        long reconnects0 = reconnects.get();
        long cpu0 = hubCpuTicks();
        long pg0 = postgresCpuTicks();
        long benchCpu0 = ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
        long h0 = System.nanoTime();
        Path recording = jfr == null ? null : jfr.resolveSibling(jfr.getFileName().toString().replaceFirst("(\\.jfr)?$",
                atOnce ? "-storm.jfr" : "-spread.jfr"));
        if (recording != null) {
            System.out.println(jcmd("JFR.start", "name=restart", "settings=profile", "filename=" + recording).trim());
        }
        ExecutorService storm = Executors.newFixedThreadPool(16);
        if (atOnce) {
            for (Peer p : sim.peers) {
                storm.submit(() -> beat(p));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        double allActive = Double.NaN;
        while (System.nanoTime() < deadline) {
            if (everyPeerAcceptedSince(started)) {
                allActive = secondsSince(started);
                break;
            }
            Thread.sleep(50);
        }
        double took = secondsSince(h0);
        double hubCpu = (hubCpuTicks() - cpu0) / 100.0 / took;
        double pgCpu = (postgresCpuTicks() - pg0) / 100.0 / took;
        double benchCpu = (ProcessHandle.current().info().totalCpuDuration().map(Duration::toNanos).orElse(0L) - benchCpu0)
                / 1e9 / took;
        if (recording != null) {
            System.out.println(jcmd("JFR.stop", "name=restart").trim());
        }
        storm.shutdown();
        int late = 0;
        for (int i = 0; i < sim.peers.length; i++) {
            late += lastOk.get(i) - started < 0 ? 1 : 0;
        }
        System.out.println("| figure | value | target | ratio to target |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| start until /healthz 200 | %.1f s | | |%n", healthy);
        System.out.printf(Locale.ROOT, "| start until every peer's heartbeat accepted again | %.1f s (%d peers not yet) | < 60 s | %.2f |%n",
                allActive, late, allActive / 60);
        System.out.printf(Locale.ROOT, "| after /healthz: reconnected peers per second, new connections, failed attempts | %.0f/s, %d, %d | | |%n",
                sim.peers.length / (allActive - healthy), reconnects.get() - reconnects0, failures.get());
        System.out.printf(Locale.ROOT, "| after /healthz: kept-alive connections found closed by the old hub (replaced at once) | %d | | |%n",
                staleConnections.get());
        System.out.printf(Locale.ROOT, "| after /healthz: failed attempts by kind | %s | | |%n", takeFailureKinds());
        System.out.printf(Locale.ROOT, "| while the hub was down: failed attempts by kind | %s | | |%n", whileDown);
        System.out.printf(Locale.ROOT, "| CPU from /healthz until all back: hub JVM / PostgreSQL / this process | %.0f%% / %.0f%% / %.0f%% of one core | | |%n",
                hubCpu * 100, pgCpu * 100, benchCpu * 100);
        System.out.printf(Locale.ROOT, "| peers by state on the hub | %s | all active | |%n", peerStates());
    }

    private boolean everyPeerAcceptedSince(long since) {
        for (int i = 0; i < sim.peers.length; i++) {
            if (lastOk.get(i) - since < 0) {
                return false;
            }
        }
        return true;
    }

    private int unreached() {
        int none = 0;
        for (int i = 0; i < sim.peers.length; i++) {
            none += sim.hubHeartbeats.get(i) == 0 ? 1 : 0;
        }
        return none;
    }

    private static long sum(AtomicLongArray a) {
        long s = 0;
        for (int i = 0; i < a.length(); i++) {
            s += a.get(i);
        }
        return s;
    }

    // ------------------------------------------------------------------ one peer

    /**
     * Links {@code p}, then heartbeats it once per interval from its own slot (peers spread evenly
     * over the interval), so that the first peers do not go stale while the last ones link.
     */
    private long[] linkAndBeat(Peer p) throws Exception {
        long[] steps = link(p);
        long period = TimeUnit.SECONDS.toNanos(intervalSeconds);
        long slot = period * p.index / sim.peers.length;
        long delay = Math.floorMod(slot - System.nanoTime(), period);
        clients.scheduleAtFixedRate(() -> beat(p), delay, period, TimeUnit.NANOSECONDS);
        return steps;
    }

    /** The real handshake for {@code p}; answers the time of each step in nanoseconds. */
    private long[] link(Peer p) throws Exception {
        long t0 = System.nanoTime();
        JsonNode proposed = admin("POST", "/api/v1/peers", SimulatedPeers.JSON.createObjectNode().put("name", p.name));
        String token = proposed.path("acceptance_token").asText();
        p.peerIdOnHub = proposed.path("peer").path("id").asText();
        long t1 = System.nanoTime();
        ObjectNode accept = SimulatedPeers.JSON.createObjectNode();
        accept.put("protocol_version", FederationProtocol.VERSION);
        accept.put("token", token);
        accept.put("hub_id", p.hubId);
        accept.put("name", p.name);
        accept.put("url", sim.url(p));
        accept.put("tls_fingerprint", sim.serverFingerprint());
        accept.put("csr", Certificates.csr(p.nodeKey, p.hubId));
        JsonNode answer = acceptWithRetries(accept);
        X509Certificate nodeCert = Certificates.parsePem(answer.path("node_cert").asText()).get(0);
        if (!nodeCert.getPublicKey().equals(p.nodeKey.getPublic()) || !hubId.equals(answer.path("hub_id").asText())) {
            throw new IllegalStateException("the hub answered " + p.name + " with a certificate for another key or hub");
        }
        long t2 = System.nanoTime();
        String issued = SimulatedPeers.issueFor(p, answer.path("csr").asText(), hubId);
        p.nodeCert = nodeCert;
        long t3 = System.nanoTime();
        synchronized (p) {
            p.connection = sim.connect(p, "127.0.0.1", port, hubFingerprint);
            ObjectNode complete = SimulatedPeers.JSON.createObjectNode();
            complete.put("protocol_version", FederationProtocol.VERSION);
            complete.put("node_cert", issued);
            complete.put("ca_bundle", Certificates.toPem(p.caCert));
            Answer done = p.connection.post("/federation/v1/handshake/complete", complete);
            if (done.status() != 200) {
                throw new IllegalStateException(p.name + ": handshake/complete answered " + done.status() + " " + done.body());
            }
        }
        long t4 = System.nanoTime();
        Answer first;
        synchronized (p) {
            first = p.connection.post("/federation/v1/heartbeat", sim.heartbeat(p));
        }
        if (first.status() != 200) {
            throw new IllegalStateException(p.name + ": first heartbeat answered " + first.status() + " " + first.body());
        }
        lastOk.set(p.index, System.nanoTime());
        long t5 = System.nanoTime();
        return new long[]{t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t5 - t0};
    }

    /**
     * One heartbeat of {@code p}, reconnecting first when its connection broke. A kept-alive
     * connection the hub closed meanwhile (it restarted) is found out by the request and replaced
     * at once, as an HTTP client and a hub's own {@code PeerConnections} do: that is a stale
     * connection, not a failed attempt.
     */
    private void beat(Peer p) {
        synchronized (p) {
            if (!attempt(p, p.connection != null)) {
                attempt(p, false);
            }
        }
    }

    /**
     * One try; false only when a reused connection turned out closed by the hub (the caller
     * retries on a new one). Every other failure is counted by its kind and waits for the next slot.
     */
    private boolean attempt(Peer p, boolean reused) {
        boolean connecting = !reused;
        try {
            if (!reused) {
                reconnects.incrementAndGet();
                p.connection = sim.connect(p, "127.0.0.1", port, hubFingerprint);
                connecting = false;
            }
            long t0 = System.nanoTime();
            Answer a = p.connection.post("/federation/v1/heartbeat", sim.heartbeat(p));
            long t1 = System.nanoTime();
            if (a.closed()) {
                p.connection.close();
                p.connection = null;
            }
            if (a.status() != 200) {
                fail("HTTP " + a.status() + " " + a.body().path("code").asText(""));
                return true;
            }
            lastOk.set(p.index, t1);
            if (recording) {
                long slot = windowCount.getAndIncrement();
                long[] w = window;
                if (slot < w.length) {
                    w[(int) slot] = t1 - t0;
                }
            }
            return true;
        } catch (IOException | RuntimeException e) {
            if (p.connection != null) {
                p.connection.close();
                p.connection = null;
            }
            if (reused && !(e instanceof java.net.SocketTimeoutException)) {
                staleConnections.incrementAndGet();
                return false;
            }
            fail(failureKind(e, connecting));
            return true;
        }
    }

    private void fail(String kind) {
        failures.incrementAndGet();
        failureKinds.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    }

    /** Connection refused, a TLS alert or error, a timeout, or the hub closing the connection. */
    private static String failureKind(Exception e, boolean connecting) {
        String where = connecting ? "connect: " : "request: ";
        if (e instanceof java.net.ConnectException) {
            return where + "connection refused";
        }
        if (e instanceof java.net.SocketTimeoutException) {
            return where + "timeout";
        }
        if (e instanceof javax.net.ssl.SSLException) {
            return where + "TLS: " + e.getMessage();
        }
        return where + e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /** The failures counted since the last call, by kind, and clears them. */
    private String takeFailureKinds() {
        Map<String, Long> byKind = new TreeMap<>();
        failureKinds.forEach((k, v) -> byKind.put(k, v.getAndSet(0)));
        byKind.values().removeIf(v -> v == 0);
        return byKind.isEmpty() ? "none" : byKind.toString();
    }

    // ------------------------------------------------------------------ the hub process

    private void startHub() throws Exception {
        Files.deleteIfExists(dataDir.resolve("hub.json"));
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                "dev.entente.client.cli.Main", "start", "--data-dir", dataDir.toString(), "--bind", "127.0.0.1",
                "--port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("hub.out").toFile()));
        pb.environment().put("ENTENTE_HEARTBEAT_INTERVAL", intervalSeconds + "s");
        hub = pb.start();
        hubPid = hub.pid();
        http = pinnedClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (System.nanoTime() < deadline) {
            if (!hub.isAlive()) {
                throw new IllegalStateException("the hub exited with " + hub.exitValue() + "; see " + dataDir.resolve("hub.out"));
            }
            Path info = dataDir.resolve("hub.json");
            if (Files.exists(info)) {
                JsonNode json = SimulatedPeers.JSON.readTree(Files.readString(info));
                hubFingerprint = json.path("tls_fingerprint").asText();
                hubId = json.path("hub_id").asText();
                http = pinnedClient();
                try {
                    HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(base() + "/healthz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                    if (health.statusCode() == 200) {
                        adminToken = Files.readString(dataDir.resolve("admin.token")).trim();
                        return;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the hub did not answer /healthz within 600 s");
    }

    private void stopHub() throws InterruptedException {
        if (hub != null && hub.isAlive()) {
            hub.destroy();
            if (!hub.waitFor(120, TimeUnit.SECONDS)) {
                hub.destroyForcibly().waitFor();
                // A killed hub cannot stop the PostgreSQL it started (pg_ctl detached it).
                try {
                    long postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
                    ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroy);
                } catch (IOException | RuntimeException alreadyGone) {
                    // no postmaster.pid: it stopped
                }
            }
        }
    }

    private String base() {
        return "https://127.0.0.1:" + port;
    }

    private JsonNode admin(String method, String path, JsonNode body) throws Exception {
        return call(method, path, body, adminToken);
    }

    /**
     * The accept request, again after a 502/503/504 or a broken connection: on a loaded machine the
     * hub's call back to the peer can time out, which refuses the accept without using the token.
     */
    private JsonNode acceptWithRetries(JsonNode accept) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return call("POST", "/federation/v1/handshake/accept", accept, null);
            } catch (IOException | IllegalStateException e) {
                boolean retry = e instanceof IOException || e.getMessage().matches("(?s).* answered 50[234]: .*");
                if (!retry || attempt == 4) {
                    throw e;
                }
                linkRetries.incrementAndGet();
                Thread.sleep(2_000L * attempt);
            }
        }
    }

    private JsonNode call(String method, String path, JsonNode body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json").header("Accept", "application/json");
        if (bearer != null) {
            b.header("Authorization", "Bearer " + bearer);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(SimulatedPeers.JSON.writeValueAsBytes(body)));
        HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + new String(r.body()));
        }
        return r.body().length == 0 ? SimulatedPeers.JSON.createObjectNode() : SimulatedPeers.JSON.readTree(r.body());
    }

    private String peerStates() {
        try {
            Map<String, Integer> byState = new TreeMap<>();
            for (JsonNode p : admin("GET", "/api/v1/peers", null)) {
                byState.merge(p.path("state").asText(), 1, Integer::sum);
            }
            return byState.toString();
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    private String sweepFigures() {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/metrics")).header("Authorization", "Bearer " + adminToken).build(),
                    HttpResponse.BodyHandlers.ofString());
            return String.join(", ", r.body().lines().filter(l -> l.startsWith("entente_sweep")).toList());
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }

    /** Heap in use after a full GC of the hub's JVM, from {@code jcmd GC.run} and {@code GC.heap_info}. */
    private double heapAfterGcMiB() {
        try {
            jcmd("GC.run");
            for (String line : jcmd("GC.heap_info").lines().toList()) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("total \\d+K, used (\\d+)K").matcher(line);
                if (m.find()) {
                    return Long.parseLong(m.group(1)) / 1024.0;
                }
            }
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Double.NaN;
    }

    private String jcmd(String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("jcmd", Long.toString(hubPid)));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    private static long openFiles(long pid) {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return fds.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** This process's soft and hard limit on open files, as {@code /proc/self/limits} says. */
    private static String openFileLimit() {
        try {
            return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith("Max open files"))
                    .map(l -> l.substring("Max open files".length()).trim().replaceAll("\\s+", " ").replace(" files", ""))
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** utime + stime of the hub's JVM, in clock ticks. */
    private long hubCpuTicks() {
        return cpuTicks(hubPid);
    }

    /**
     * CPU of the hub's embedded PostgreSQL: its postmaster (named in {@code pg/postmaster.pid}),
     * the backends it reaped (its cutime + cstime) and the ones still running, in clock ticks.
     */
    private long postgresCpuTicks() {
        long postmaster;
        try {
            postmaster = Long.parseLong(Files.readAllLines(dataDir.resolve("pg").resolve("postmaster.pid")).get(0).trim());
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        long total = cpuTicks(postmaster) + reapedChildrenTicks(postmaster);
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[1]) == postmaster) {
                        total += Long.parseLong(f[11]) + Long.parseLong(f[12]);
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            return total;
        }
        return total;
    }

    private static long reapedChildrenTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException e) {
            return 0;
        }
    }

    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException e) {
            return 0;
        }
    }

    /** A client for the admin API and anonymous federation calls, pinning the hub's TLS certificate. */
    private HttpClient pinnedClient() throws Exception {
        String pin = hubFingerprint;
        X509TrustManager trust = new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                throw new CertificateException("client side only");
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
                if (pin != null && !Certificates.fingerprint(chain[0]).equals(pin)) {
                    throw new CertificateException("pin mismatch");
                }
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ssl = SSLContext.getInstance("TLSv1.3");
        ssl.init(null, new TrustManager[]{trust}, null);
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[]{"TLSv1.3"});
        return HttpClient.newBuilder().sslContext(ssl).sslParameters(params).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    private static double secondsSince(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
