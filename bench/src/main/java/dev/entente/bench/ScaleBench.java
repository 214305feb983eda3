package dev.entente.bench;

import static dev.entente.bench.MtlsHarness.percentile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entente.bench.SimulatedPeers.Answer;
import dev.entente.bench.SimulatedPeers.HubConnection;
import dev.entente.bench.SimulatedPeers.Peer;
import dev.entente.ca.crypto.Certificates;
import dev.entente.controlplane.hub.EmbeddedDatabase;
import dev.entente.federation.protocol.FederationProtocol;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
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
 * <p><b>More peers than one process can hold.</b> A process here may hold 20,000 open files, and
 * the hub holds two per peer (the peer's connection in, its own heartbeat connection out), as does
 * this side. {@code --split} runs the hub as two processes on one database, as a hub may run:
 * {@code entente start --db-url} with {@code entente.worker.in-process=false} serves the API and
 * the peers' heartbeats, and one {@code entente worker --db-url} sends the hub's heartbeats. The
 * database is this process's {@link EmbeddedDatabase}, the hub's own embedded server with its
 * durable settings; both hub processes get the same key passphrase. The hub's CPU is then the sum
 * of both processes, and a restart stops both and starts both (the database stays up, as an
 * external one does). {@code --peer-processes K} runs the peers in K child JVMs ({@link PeerProcess}),
 * each with its own slice of the peers and its own HTTPS server, driven by this process.
 *
 * <pre>bench/run scale [--peers 1000] [--interval-seconds 30] [--steady-seconds 60] [--handshakes 50]
 *                 [--link-threads 4] [--client-threads 8] [--no-restart] [--jfr steady.jfr]
 *                 [--split] [--peer-processes 2]
 * bench/run handshake   (= scale --peers 50 --handshakes 50 --steady-seconds 0 --no-restart)</pre>
 */
public final class ScaleBench {
    private static final List<String> STEPS = List.of("propose", "accept request", "CSR issuance", "complete",
            "first heartbeat", "total");
    /** Threads reconnecting the peers all at once after a restart, over every peer process. */
    private static final int STORM_THREADS = 16;

    /** The peers of this process; null in a parent whose peers run in {@link #children}. */
    private final SimulatedPeers sim;
    private final int peerCount;
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
    private long hubBeatsBefore;
    /** When the hub was stopped for a restart (System.nanoTime): a peer is back once accepted after it. */
    private long restartStarted;
    private ScheduledExecutorService clients;
    private double idleCpu;
    private double idlePgCpu;
    /** Where to write a JFR recording of the hub over the steady window, or null for none. */
    private Path jfr;
    /** With {@code --split}: the hub's database (run here), its worker process, and the key passphrase both share. */
    private EmbeddedDatabase database;
    private Process worker;
    private long workerPid;
    private String passphrase;
    /** With {@code --peer-processes}: the child JVMs holding the peers. */
    private List<PeerProcess> children = List.of();
    private int peerProcesses = 1;

    private ScaleBench(SimulatedPeers sim, int n, Path dataDir, int port, int intervalSeconds) {
        this.sim = sim;
        this.peerCount = n;
        this.dataDir = dataDir;
        this.port = port;
        this.intervalSeconds = intervalSeconds;
        this.lastOk = new AtomicLongArray(sim == null ? 0 : sim.peers.length);
    }

    public static void main(String[] args) throws Exception {
        // Before the first TLS context: the simulated peers make an x25519 key share only (the JDK
        // adds a P-256 one otherwise, in pure Java, which the hub never uses).
        System.setProperty("jdk.tls.namedGroups", "x25519");
        if (args.length > 0 && args[0].equals("--peer-process")) {
            System.exit(servePeerProcess(args));
        }
        int n = 1000;
        int interval = 30;
        int steady = 60;
        int handshakes = 50;
        int linkThreads = 4;
        int clientThreads = 8;
        boolean restart = true;
        boolean split = false;
        int peerProcesses = 1;
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
                case "--split" -> split = true;
                case "--peer-processes" -> peerProcesses = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (peerProcesses < 1 || peerProcesses > n) {
            throw new IllegalArgumentException("--peer-processes must be between 1 and the number of peers");
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("entente-scale-bench");
        System.out.printf(Locale.ROOT, "scale bench: %d peers, heartbeat.interval %d s, steady %d s, %d timed handshakes, "
                + "java %s, %d cpus, load %s%n", n, interval, steady, Math.min(handshakes, n), Runtime.version(),
                Runtime.getRuntime().availableProcessors(), loadAverage());
        if (split || peerProcesses > 1) {
            System.out.printf(Locale.ROOT, "hub %s; peers in %s%n",
                    split ? "split: `entente start` (API, federation routes) + `entente worker` (jobs, outgoing heartbeats) "
                            + "on one PostgreSQL run by the bench" : "in one process",
                    peerProcesses > 1 ? peerProcesses + " child processes" : "this process");
        }
        ScaleBench bench = new ScaleBench(peerProcesses == 1 ? new SimulatedPeers(n, 4) : null, n, dir, port, interval);
        bench.jfr = jfr;
        bench.peerProcesses = peerProcesses;
        int status = 0;
        try {
            if (split) {
                bench.startDatabase();
            }
            bench.run(Math.min(handshakes, n), linkThreads, clientThreads, steady, restart);
        } catch (Exception e) {
            // The peers' thread pools would keep the JVM alive after main ends.
            e.printStackTrace();
            status = 1;
        } finally {
            for (PeerProcess child : bench.children) {
                child.close();
            }
            bench.stopHub();
            if (bench.database != null) {
                bench.database.close();
            }
            if (bench.sim != null) {
                bench.sim.close();
            }
        }
        System.exit(status);
    }

    private void run(int timed, int linkThreads, int clientThreads, int steadySeconds, boolean restart) throws Exception {
        long t0 = System.nanoTime();
        startHub();
        System.out.printf(Locale.ROOT, "hub %s up in %.1f s (pid %d%s, port %d, data dir %s)%n", hubId, secondsSince(t0), hubPid,
                worker == null ? "" : ", worker pid " + workerPid, port, dataDir);
        // What the hub spends with no peer at all (its jobs, its pool, JIT), beside the figures below.
        Thread.sleep(5_000);
        long idle0 = hubCpuTicks();
        long idlePg0 = postgresCpuTicks();
        long i0 = System.nanoTime();
        Thread.sleep(10_000);
        double idleSeconds = secondsSince(i0);
        idleCpu = (hubCpuTicks() - idle0) / 100.0 / idleSeconds;
        idlePgCpu = (postgresCpuTicks() - idlePg0) / 100.0 / idleSeconds;
        System.out.printf(Locale.ROOT, "hub with no peers: %s %.1f%%, PostgreSQL %.1f%% of one core%n",
                worker == null ? "JVM" : "API + worker JVMs", idleCpu * 100, idlePgCpu * 100);

        int n = peerCount;
        if (peerProcesses > 1) {
            startChildren(clientThreads);
            // The timed links are the first peer process's.
            timed = Math.min(timed, children.get(0).count);
        } else {
            clients = Executors.newScheduledThreadPool(clientThreads);
        }
        // Handshake latency: one link at a time, nothing else running but the linked peers' heartbeats.
        long[][] steps = children.isEmpty() ? linkTimed(timed)
                : SimulatedPeers.JSON.treeToValue(children.get(0).ask("timed " + timed).path("steps"), long[][].class);
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
            long retries;
            if (children.isEmpty()) {
                retries = linkRest(timed, linkThreads);
            } else {
                // The same link threads in all, shared out among the peer processes.
                int each = Math.max(1, linkThreads / children.size());
                for (PeerProcess child : children) {
                    child.send("link " + (child == children.get(0) ? timed : 0) + " " + each);
                }
                retries = 0;
                for (PeerProcess child : children) {
                    retries += child.answer().path("retries").asLong();
                }
            }
            double took = secondsSince(l0);
            System.out.printf(Locale.ROOT, "%nlinked the other %d peers on %d threads in %.1f s (%.0f links/s, %d accepts retried)%n",
                    n - timed, linkThreads, took, (n - timed) / took, retries);
        }
        System.out.printf(Locale.ROOT, "all %d peers linked; hub says %s%n", n, peerStates());
        if (steadySeconds <= 0) {
            stopClients();
            return;
        }
        System.out.printf(Locale.ROOT, "heartbeating; warm-up %d s%n", intervalSeconds);
        Thread.sleep(TimeUnit.SECONDS.toMillis(intervalSeconds));
        if (jfr != null) {
            // The profile settings sample Java stacks every 10 ms (20 ms is the default's).
            System.out.println(jcmd(hubPid, "JFR.start", "name=scale", "settings=profile", "filename=" + jfr).trim());
        }
        long[] benchCpu0 = benchCpuTicks();
        long[] cpu0 = hubCpuTicksEach();
        long pg0 = postgresCpuTicks();
        long w0 = System.nanoTime();
        if (children.isEmpty()) {
            startWindow(steadySeconds);
        } else {
            for (PeerProcess child : children) {
                child.ask("window-start " + steadySeconds);
            }
        }
        Thread.sleep(TimeUnit.SECONDS.toMillis(steadySeconds));
        WindowFigures w;
        if (children.isEmpty()) {
            w = stopWindow();
        } else {
            List<WindowFigures> each = new ArrayList<>();
            for (PeerProcess child : children) {
                each.add(SimulatedPeers.JSON.treeToValue(child.ask("window-stop"), WindowFigures.class));
            }
            w = WindowFigures.sum(each);
        }
        double took = secondsSince(w0);
        long[] cpu1 = hubCpuTicksEach();
        double hubCpu = (cpu1[0] + cpu1[1] - cpu0[0] - cpu0[1]) / 100.0 / took;
        double pgCpu = (postgresCpuTicks() - pg0) / 100.0 / took;
        long[] benchCpu1 = benchCpuTicks();
        double benchCpu = (sumOf(benchCpu1) - sumOf(benchCpu0)) / 100.0 / took;
        if (jfr != null) {
            System.out.println(jcmd(hubPid, "JFR.stop", "name=scale").trim());
        }
        long[] lat = w.latencies().clone();
        int count = lat.length;
        Arrays.sort(lat);
        double heapMiB = heapAfterGcMiB(hubPid);
        double workerHeapMiB = worker == null ? Double.NaN : heapAfterGcMiB(workerPid);
        String sweep = sweepFigures();
        String states = peerStates();
        System.out.printf(Locale.ROOT, "%nsteady state over %.0f s (load %s):%n", took, loadAverage());
        System.out.println("| figure | value | target | ratio to target |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| peer heartbeats accepted | %d (%.0f/s), %d failed, %d reconnects | %.0f/s | |%n", count,
                count / took, w.failures(), w.reconnects(), n / (double) intervalSeconds);
        String hubName = worker == null ? "hub JVM" : "hub JVMs (API + worker)";
        System.out.printf(Locale.ROOT, "| %s CPU | %.1f%% of one core | < 25%% | %.2f |%n", hubName, hubCpu * 100, hubCpu / 0.25);
        if (worker != null) {
            System.out.printf(Locale.ROOT, "| hub API process / worker process CPU | %.1f%% / %.1f%% of one core | | |%n",
                    (cpu1[0] - cpu0[0]) / took, (cpu1[1] - cpu0[1]) / took);
        }
        // A pair: one heartbeat in (a peer's) and one out (the hub's own), each peer once per interval.
        double pairs = n / (double) intervalSeconds;
        System.out.printf(Locale.ROOT, "| %s CPU per heartbeat pair, above the idle hub | %.0f µs | | |%n", hubName,
                (hubCpu - idleCpu) / pairs * 1e6);
        System.out.printf(Locale.ROOT, "| hub PostgreSQL CPU | %.1f%% of one core | | |%n", pgCpu * 100);
        if (children.isEmpty()) {
            System.out.printf(Locale.ROOT, "| this bench process's CPU (the simulated peers) | %.1f%% of one core | | |%n",
                    benchCpu * 100);
        } else {
            System.out.printf(Locale.ROOT, "| the bench's processes' CPU (the simulated peers) | %.1f%% of one core | | |%n",
                    benchCpu * 100);
            System.out.printf(Locale.ROOT, "| bench CPU by process: parent, peer processes | %s of one core | | |%n",
                    perProcessCpu(benchCpu0, benchCpu1, took));
        }
        System.out.printf(Locale.ROOT, "| the same hub with no peers (JVM%s / PostgreSQL) | %.1f%% / %.1f%% of one core | | |%n",
                worker == null ? "" : "s", idleCpu * 100, idlePgCpu * 100);
        System.out.printf(Locale.ROOT, "| heartbeat latency at the client p50 / p99 | %.2f / %.2f ms | p99 < 20 ms | %.2f |%n",
                percentile(lat, 50) / 1e6, percentile(lat, 99) / 1e6, percentile(lat, 99) / 1e6 / 20);
        System.out.printf(Locale.ROOT, "| hub heap after full GC | %.0f MiB | < 1024 MiB | %.2f |%n", heapMiB, heapMiB / 1024);
        if (worker != null) {
            System.out.printf(Locale.ROOT, "| worker heap after full GC | %.0f MiB | < 1024 MiB | %.2f |%n", workerHeapMiB,
                    workerHeapMiB / 1024);
        }
        if (worker == null && children.isEmpty()) {
            System.out.printf(Locale.ROOT, "| open file descriptors: hub / this process (limit %s) | %d / %d | | |%n",
                    openFileLimit(), openFiles(hubPid), openFiles(ProcessHandle.current().pid()));
        } else {
            System.out.printf(Locale.ROOT, "| open file descriptors by process (limit %s each) | %s | | |%n", openFileLimit(),
                    openFilesByProcess());
        }
        System.out.printf(Locale.ROOT, "| hub heartbeats to the peers | %.0f/s (%d peers never reached) | %.0f/s | %.2f |%n",
                w.hubBeats() / took, w.unreached(), n / (double) intervalSeconds,
                w.hubBeats() / took / (n / (double) intervalSeconds));
        System.out.printf(Locale.ROOT, "| sweep | %s | | |%n", sweep);
        System.out.printf(Locale.ROOT, "| peers by state on the hub | %s | all active | |%n", states);

        if (restart) {
            restart(true);
            restart(false);
        }
        stopClients();
    }

    /** The peers' figures over the measured window, of one process or summed over all. */
    record WindowFigures(long[] latencies, long failures, long reconnects, long hubBeats, int unreached) {
        static WindowFigures sum(List<WindowFigures> each) {
            long[] all = each.stream().flatMapToLong(w -> Arrays.stream(w.latencies())).toArray();
            return new WindowFigures(all, each.stream().mapToLong(WindowFigures::failures).sum(),
                    each.stream().mapToLong(WindowFigures::reconnects).sum(), each.stream().mapToLong(WindowFigures::hubBeats).sum(),
                    each.stream().mapToInt(WindowFigures::unreached).sum());
        }
    }

    /** How the peers of one process, or of all, came back after a restart. */
    record BackFigures(boolean allBack, int late, long reconnects, long failures, long stale, Map<String, Long> kinds,
                       Map<String, Long> whileDown, int hubReached) {
        static BackFigures sum(List<BackFigures> each) {
            Map<String, Long> kinds = new TreeMap<>();
            Map<String, Long> whileDown = new TreeMap<>();
            for (BackFigures b : each) {
                b.kinds().forEach((k, v) -> kinds.merge(k, v, Long::sum));
                b.whileDown().forEach((k, v) -> whileDown.merge(k, v, Long::sum));
            }
            return new BackFigures(each.stream().allMatch(BackFigures::allBack), each.stream().mapToInt(BackFigures::late).sum(),
                    each.stream().mapToLong(BackFigures::reconnects).sum(), each.stream().mapToLong(BackFigures::failures).sum(),
                    each.stream().mapToLong(BackFigures::stale).sum(), kinds, whileDown,
                    each.stream().mapToInt(BackFigures::hubReached).sum());
        }
    }

    private long[][] linkTimed(int timed) throws Exception {
        long[][] steps = new long[STEPS.size()][timed];
        for (int i = 0; i < timed; i++) {
            long[] s = linkAndBeat(sim.peers[i]);
            for (int k = 0; k < s.length; k++) {
                steps[k][i] = s[k];
            }
        }
        return steps;
    }

    /** Links this process's peers from {@code from} on, on {@code threads}; answers the accepts retried. */
    private long linkRest(int from, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<long[]>> links = new ArrayList<>();
        for (int i = from; i < sim.peers.length; i++) {
            Peer p = sim.peers[i];
            links.add(pool.submit(() -> linkAndBeat(p)));
        }
        for (Future<long[]> f : links) {
            f.get();
        }
        pool.shutdown();
        return linkRetries.get();
    }

    private void startWindow(int steadySeconds) {
        hubBeatsBefore = sum(sim.hubHeartbeats);
        window = new long[Math.max(1024, (int) ((long) sim.peers.length * steadySeconds / intervalSeconds * 2))];
        windowCount.set(0);
        failures.set(0);
        recording = true;
    }

    private WindowFigures stopWindow() {
        recording = false;
        int count = (int) Math.min(windowCount.get(), window.length);
        return new WindowFigures(Arrays.copyOf(window, count), failures.get(), reconnects.get(),
                sum(sim.hubHeartbeats) - hubBeatsBefore, unreached());
    }

    private void stopClients() {
        if (clients != null) {
            clients.shutdownNow();
        }
    }

    /**
     * A hub restart: SIGTERM, start on the same data dir. With {@code atOnce} every peer reconnects
     * as soon as {@code /healthz} answers (the worst case: 16 threads, each connecting and
     * heartbeating one peer after another); without it each peer reconnects at its next heartbeat
     * slot, as real peers do, so the reconnects arrive spread over one interval. Either way a
     * failed attempt waits for the peer's next slot. With {@code --jfr} the hub is recorded from
     * {@code /healthz} until every peer is back. A split hub stops both processes and starts both.
     */
    private void restart(boolean atOnce) throws Exception {
        System.out.printf(Locale.ROOT, "%nrestart, peers reconnecting %s: SIGTERM the hub%s, start it again (load %s)%n",
                atOnce ? "all at once after /healthz" : "at their next heartbeat slot",
                worker == null ? "" : " (API and worker processes)", loadAverage());
        stopHub();
        long started = System.nanoTime();
        if (children.isEmpty()) {
            restartBegin(started);
        }
        for (PeerProcess child : children) {
            child.ask("restart-begin");
        }
        startHub();
        double healthy = secondsSince(started);
        long[] cpu0 = hubCpuTicksEach();
        long pg0 = postgresCpuTicks();
        long[] benchCpu0 = benchCpuTicks();
        long h0 = System.nanoTime();
        Path recording = jfr == null ? null : jfr.resolveSibling(jfr.getFileName().toString().replaceFirst("(\\.jfr)?$",
                atOnce ? "-storm.jfr" : "-spread.jfr"));
        if (recording != null) {
            System.out.println(jcmd(hubPid, "JFR.start", "name=restart", "settings=profile", "filename=" + recording).trim());
        }
        BackFigures back;
        if (children.isEmpty()) {
            back = awaitBack(atOnce, STORM_THREADS);
        } else {
            int threads = Math.max(1, STORM_THREADS / children.size());
            for (PeerProcess child : children) {
                child.send("hub-up " + (atOnce ? "storm" : "spread") + " " + threads + " " + hubFingerprint);
            }
            List<BackFigures> each = new ArrayList<>();
            for (PeerProcess child : children) {
                each.add(SimulatedPeers.JSON.treeToValue(child.answer(), BackFigures.class));
            }
            back = BackFigures.sum(each);
        }
        double allActive = back.allBack() ? secondsSince(started) : Double.NaN;
        double took = secondsSince(h0);
        long[] cpu1 = hubCpuTicksEach();
        double hubCpu = (cpu1[0] + cpu1[1] - cpu0[0] - cpu0[1]) / 100.0 / took;
        double pgCpu = (postgresCpuTicks() - pg0) / 100.0 / took;
        long[] benchCpu1 = benchCpuTicks();
        double benchCpu = (sumOf(benchCpu1) - sumOf(benchCpu0)) / 100.0 / took;
        if (recording != null) {
            System.out.println(jcmd(hubPid, "JFR.stop", "name=restart").trim());
        }
        System.out.println("| figure | value | target | ratio to target |");
        System.out.println("|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| start until /healthz 200 | %.1f s | | |%n", healthy);
        System.out.printf(Locale.ROOT, "| start until every peer's heartbeat accepted again | %.1f s (%d peers not yet) | < 60 s | %.2f |%n",
                allActive, back.late(), allActive / 60);
        System.out.printf(Locale.ROOT, "| after /healthz: reconnected peers per second, new connections, failed attempts | %.0f/s, %d, %d | | |%n",
                peerCount / (allActive - healthy), back.reconnects(), back.failures());
        System.out.printf(Locale.ROOT, "| after /healthz: kept-alive connections found closed by the old hub (replaced at once) | %d | | |%n",
                back.stale());
        System.out.printf(Locale.ROOT, "| after /healthz: failed attempts by kind | %s | | |%n", kindsText(back.kinds()));
        System.out.printf(Locale.ROOT, "| while the hub was down: failed attempts by kind | %s | | |%n", kindsText(back.whileDown()));
        if (worker != null) {
            System.out.printf(Locale.ROOT, "| by then: peers the restarted worker's heartbeats had reached | %d of %d | | |%n",
                    back.hubReached(), peerCount);
        }
        if (worker == null && children.isEmpty()) {
            System.out.printf(Locale.ROOT, "| CPU from /healthz until all back: hub JVM / PostgreSQL / this process | %.0f%% / %.0f%% / %.0f%% of one core | | |%n",
                    hubCpu * 100, pgCpu * 100, benchCpu * 100);
        } else {
            System.out.printf(Locale.ROOT, "| CPU from /healthz until all back: hub JVMs (API + worker) / PostgreSQL / bench processes | %.0f%% / %.0f%% / %.0f%% of one core | | |%n",
                    hubCpu * 100, pgCpu * 100, benchCpu * 100);
            System.out.printf(Locale.ROOT, "| CPU from /healthz until all back by process: API, worker; bench parent, peer processes | %.0f%%, %.0f%%; %s of one core | | |%n",
                    (cpu1[0] - cpu0[0]) / took, (cpu1[1] - cpu0[1]) / took, perProcessCpu(benchCpu0, benchCpu1, took));
        }
        System.out.printf(Locale.ROOT, "| peers by state on the hub | %s | all active | |%n", peerStates());
    }

    private void restartBegin(long started) {
        restartStarted = started;
        takeFailureKinds();
        failures.set(0);
    }

    /**
     * After the hub answers {@code /healthz} again: this process's peers reconnect (all at once on
     * {@code stormThreads}, or at their slots) until every one had a heartbeat accepted since the
     * restart began, or 300 s passed.
     */
    private BackFigures awaitBack(boolean atOnce, int stormThreads) throws InterruptedException {
        Map<String, Long> whileDown = takeFailureKinds();
        failures.set(0);
        staleConnections.set(0);
        long reconnects0 = reconnects.get();
        ExecutorService storm = Executors.newFixedThreadPool(stormThreads);
        if (atOnce) {
            for (Peer p : sim.peers) {
                storm.submit(() -> beat(p));
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        boolean allBack = false;
        while (System.nanoTime() < deadline) {
            if (everyPeerAcceptedSince(restartStarted)) {
                allBack = true;
                break;
            }
            Thread.sleep(50);
        }
        storm.shutdown();
        int late = 0;
        int hubReached = 0;
        for (int i = 0; i < sim.peers.length; i++) {
            late += lastOk.get(i) - restartStarted < 0 ? 1 : 0;
            hubReached += sim.lastHubHeartbeatAt.get(i) - restartStarted > 0 ? 1 : 0;
        }
        return new BackFigures(allBack, late, reconnects.get() - reconnects0, failures.get(), staleConnections.get(),
                takeFailureKinds(), whileDown, hubReached);
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

    // ------------------------------------------------------------------ the peer processes

    private void startChildren(int clientThreads) throws Exception {
        List<String> hubArgs = List.of("--port", Integer.toString(port), "--fingerprint", hubFingerprint, "--hub-id", hubId,
                "--admin-token-file", hubDataDir().resolve("admin.token").toString(),
                "--interval-seconds", Integer.toString(intervalSeconds),
                "--client-threads", Integer.toString(Math.max(1, clientThreads / peerProcesses)));
        List<PeerProcess> started = new ArrayList<>();
        for (int k = 0; k < peerProcesses; k++) {
            int first = (int) ((long) peerCount * k / peerProcesses);
            int next = (int) ((long) peerCount * (k + 1) / peerProcesses);
            started.add(PeerProcess.start(first, next - first, peerCount, dataDir.resolve("peers-" + k + ".log"), hubArgs));
        }
        children = started;
        for (PeerProcess child : children) {
            // The first answer: its peers' keys and its HTTPS server are ready.
            child.answer();
            System.out.printf(Locale.ROOT, "peer process %d: peers %d to %d (log %s)%n", child.pid(), child.first,
                    child.first + child.count - 1, child.log);
        }
    }

    /**
     * A child JVM's side of {@link PeerProcess}: its slice of the peers against the hub named by
     * the arguments, one command per stdin line, one JSON answer per command on stdout.
     */
    private static int servePeerProcess(String[] args) throws Exception {
        String[] slice = args[1].split(",");
        int first = Integer.parseInt(slice[0]);
        int count = Integer.parseInt(slice[1]);
        int total = Integer.parseInt(slice[2]);
        Map<String, String> opts = new TreeMap<>();
        for (int i = 2; i + 1 < args.length; i += 2) {
            opts.put(args[i], args[i + 1]);
        }
        SimulatedPeers sim = new SimulatedPeers(first, count, total, 4);
        ScaleBench bench = new ScaleBench(sim, total, null, Integer.parseInt(opts.get("--port")),
                Integer.parseInt(opts.get("--interval-seconds")));
        bench.hubFingerprint = opts.get("--fingerprint");
        bench.hubId = opts.get("--hub-id");
        bench.adminToken = Files.readString(Path.of(opts.get("--admin-token-file"))).trim();
        bench.http = bench.pinnedClient();
        bench.clients = Executors.newScheduledThreadPool(Integer.parseInt(opts.get("--client-threads")));
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        java.io.PrintStream out = System.out;
        // Only the answers go to stdout.
        System.setOut(System.err);
        out.println("{\"ready\":true}");
        out.flush();
        try {
            for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
                String answer;
                try {
                    answer = SimulatedPeers.JSON.writeValueAsString(bench.command(line.split(" ")));
                } catch (Exception e) {
                    e.printStackTrace();
                    answer = SimulatedPeers.JSON.writeValueAsString(Map.of("error", String.valueOf(e)));
                }
                out.println(answer);
                out.flush();
            }
        } finally {
            bench.stopClients();
            sim.close();
        }
        return 0;
    }

    /** One command of the parent (see {@link #servePeerProcess}); answers what becomes the JSON line. */
    private Object command(String[] c) throws Exception {
        return switch (c[0]) {
            case "timed" -> Map.of("steps", linkTimed(Math.min(Integer.parseInt(c[1]), sim.peers.length)));
            case "link" -> Map.of("retries", linkRest(Integer.parseInt(c[1]), Integer.parseInt(c[2])));
            case "window-start" -> {
                startWindow(Integer.parseInt(c[1]));
                yield Map.of("recording", true);
            }
            case "window-stop" -> stopWindow();
            case "restart-begin" -> {
                restartBegin(System.nanoTime());
                yield Map.of("started", true);
            }
            case "hub-up" -> {
                hubFingerprint = c[3];
                http = pinnedClient();
                yield awaitBack(c[1].equals("storm"), Integer.parseInt(c[2]));
            }
            default -> throw new IllegalArgumentException("unknown command " + c[0]);
        };
    }

    /** CPU in clock ticks of this process and then of each peer process. */
    private long[] benchCpuTicks() {
        long[] ticks = new long[1 + children.size()];
        ticks[0] = cpuTicks(ProcessHandle.current().pid());
        for (int k = 0; k < children.size(); k++) {
            ticks[k + 1] = cpuTicks(children.get(k).pid());
        }
        return ticks;
    }

    private static String perProcessCpu(long[] before, long[] after, double seconds) {
        List<String> each = new ArrayList<>();
        for (int k = 0; k < before.length; k++) {
            each.add(String.format(Locale.ROOT, "%.1f%%", (after[k] - before[k]) / seconds));
        }
        return String.join(", ", each);
    }

    private static long sumOf(long[] values) {
        return Arrays.stream(values).sum();
    }

    private static String kindsText(Map<String, Long> kinds) {
        Map<String, Long> nonZero = new TreeMap<>(kinds);
        nonZero.values().removeIf(v -> v == 0);
        return nonZero.isEmpty() ? "none" : nonZero.toString();
    }

    private String openFilesByProcess() {
        List<String> each = new ArrayList<>();
        each.add((worker == null ? "hub " : "hub API ") + openFiles(hubPid) + " (" + hubConnections(hubPid) + ")");
        if (worker != null) {
            each.add("hub worker " + openFiles(workerPid) + " (" + hubConnections(workerPid) + ")");
        }
        each.add("bench parent " + openFiles(ProcessHandle.current().pid()));
        for (PeerProcess child : children) {
            each.add("peers " + child.first + "-" + (child.first + child.count - 1) + " " + openFiles(child.pid()));
        }
        return String.join(", ", each);
    }

    // ------------------------------------------------------------------ one peer

    /**
     * Links {@code p}, then heartbeats it once per interval from its own slot (peers spread evenly
     * over the interval), so that the first peers do not go stale while the last ones link.
     */
    private long[] linkAndBeat(Peer p) throws Exception {
        long[] steps = link(p);
        long period = TimeUnit.SECONDS.toNanos(intervalSeconds);
        long slot = period * p.number / sim.total;
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
    private Map<String, Long> takeFailureKinds() {
        Map<String, Long> byKind = new TreeMap<>();
        failureKinds.forEach((k, v) -> byKind.put(k, v.getAndSet(0)));
        byKind.values().removeIf(v -> v == 0);
        return byKind;
    }

    // ------------------------------------------------------------------ the hub process

    /** The hub's data dir: its API process's with {@code --split}. */
    private Path hubDataDir() {
        return database == null ? dataDir : dataDir.resolve("api");
    }

    /** The directory of the PostgreSQL the hub runs on. */
    private Path pgDir() {
        return database == null ? dataDir.resolve("pg") : database.directory();
    }

    /**
     * With {@code --split}: the hub's database, run by this process with the embedded server a hub
     * runs itself (durable: fsync and synchronous commit on), and the key passphrase both hub
     * processes share.
     */
    private void startDatabase() throws IOException {
        long t0 = System.nanoTime();
        // The database's passwords are kept beside its directory, private as in a hub's data dir.
        Path home = Files.createDirectory(dataDir.resolve("db"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        database = EmbeddedDatabase.start(home.resolve("pg"));
        byte[] random = new byte[32];
        new java.security.SecureRandom().nextBytes(random);
        passphrase = java.util.HexFormat.of().formatHex(random);
        System.out.printf(Locale.ROOT, "PostgreSQL for the hub up in %.1f s (%s, durable %s)%n", secondsSince(t0),
                database.jdbcUrl(), database.options().durable());
    }

    private void startHub() throws Exception {
        Path hubDir = hubDataDir();
        Files.createDirectories(hubDir);
        Files.deleteIfExists(hubDir.resolve("hub.json"));
        List<String> command = new ArrayList<>(List.of("java", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                "dev.entente.client.cli.Main", "start", "--data-dir", hubDir.toString(), "--bind", "127.0.0.1",
                "--port", Integer.toString(port)));
        if (database != null) {
            command.addAll(List.of("--db-url", database.jdbcUrl()));
        }
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(hubDir.resolve("hub.out").toFile()));
        hubEnvironment(pb);
        if (database != null) {
            pb.environment().put("ENTENTE_WORKER_IN_PROCESS", "false");
        }
        hub = pb.start();
        hubPid = hub.pid();
        if (database != null) {
            startWorker();
        }
        http = pinnedClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(600);
        while (System.nanoTime() < deadline) {
            if (!hub.isAlive()) {
                throw new IllegalStateException("the hub exited with " + hub.exitValue() + "; see " + hubDir.resolve("hub.out"));
            }
            if (worker != null && !worker.isAlive()) {
                throw new IllegalStateException("the worker exited with " + worker.exitValue() + "; see "
                        + dataDir.resolve("worker").resolve("worker.out"));
            }
            Path info = hubDir.resolve("hub.json");
            if (Files.exists(info)) {
                JsonNode json = SimulatedPeers.JSON.readTree(Files.readString(info));
                hubFingerprint = json.path("tls_fingerprint").asText();
                hubId = json.path("hub_id").asText();
                http = pinnedClient();
                try {
                    HttpResponse<Void> health = http.send(HttpRequest.newBuilder(URI.create(base() + "/healthz"))
                            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                    if (health.statusCode() == 200) {
                        adminToken = Files.readString(hubDir.resolve("admin.token")).trim();
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

    /**
     * {@code entente worker} on the hub's database, started with the API process (as a whole hub
     * starts): its own data dir (each process of a hub locks its own), the same passphrase.
     */
    private void startWorker() throws IOException {
        Path workerDir = dataDir.resolve("worker");
        Files.createDirectories(workerDir);
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx2g", "-cp", System.getProperty("java.class.path"),
                "dev.entente.client.cli.Main", "worker", "--data-dir", workerDir.toString(), "--db-url", database.jdbcUrl())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(workerDir.resolve("worker.out").toFile()));
        hubEnvironment(pb);
        worker = pb.start();
        workerPid = worker.pid();
    }

    /** The settings every process of the hub gets alike. */
    private void hubEnvironment(ProcessBuilder pb) {
        pb.environment().put("ENTENTE_HEARTBEAT_INTERVAL", intervalSeconds + "s");
        if (database != null) {
            pb.environment().put("ENTENTE_DB_USER", database.hubUser());
            pb.environment().put("ENTENTE_DB_PASSWORD", database.hubPassword());
            pb.environment().put("ENTENTE_KEY_PASSPHRASE", passphrase);
        }
    }

    private void stopHub() throws InterruptedException {
        // Both at once, as a supervisor stops a hub's processes.
        if (worker != null && worker.isAlive()) {
            worker.destroy();
        }
        if (hub != null && hub.isAlive()) {
            hub.destroy();
            if (!hub.waitFor(120, TimeUnit.SECONDS)) {
                hub.destroyForcibly().waitFor();
                if (database == null) {
                    // A killed hub cannot stop the PostgreSQL it started (pg_ctl detached it).
                    try {
                        long postmaster = Long.parseLong(Files.readAllLines(pgDir().resolve("postmaster.pid")).get(0).trim());
                        ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroy);
                    } catch (IOException | RuntimeException alreadyGone) {
                        // no postmaster.pid: it stopped
                    }
                }
            }
        }
        if (worker != null && !worker.waitFor(120, TimeUnit.SECONDS)) {
            worker.destroyForcibly().waitFor();
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

    /** Heap in use after a full GC of a hub JVM, from {@code jcmd GC.run} and {@code GC.heap_info}. */
    private double heapAfterGcMiB(long pid) {
        try {
            jcmd(pid, "GC.run");
            for (String line : jcmd(pid, "GC.heap_info").lines().toList()) {
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

    private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
        List<String> line = new ArrayList<>(List.of("jcmd", Long.toString(pid)));
        line.addAll(List.of(command));
        Process p = new ProcessBuilder(line).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    /**
     * A hub process's open TCP connections by kind: accepted on the hub's port (the peers'), to its
     * PostgreSQL, and the others (its own heartbeats to the peers). Shows which process sends them.
     */
    private String hubConnections(long pid) {
        Map<Long, int[]> ports = new java.util.HashMap<>();
        for (String table : List.of("tcp", "tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "net", table))) {
                    String[] f = line.trim().split("\\s+");
                    // Established only: local and remote port, keyed by the socket's inode.
                    if (f.length > 9 && f[3].equals("01")) {
                        int local = Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16);
                        int remote = Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16);
                        ports.put(Long.parseLong(f[9]), new int[]{local, remote});
                    }
                }
            } catch (IOException | RuntimeException e) {
                return "connections unknown";
            }
        }
        int pgPort;
        try {
            pgPort = Integer.parseInt(Files.readAllLines(pgDir().resolve("postmaster.pid")).get(3).trim());
        } catch (IOException | RuntimeException e) {
            pgPort = -1;
        }
        int inbound = 0;
        int db = 0;
        int outgoing = 0;
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds.toList()) {
                String target;
                try {
                    target = Files.readSymbolicLink(fd).toString();
                } catch (IOException closed) {
                    continue;
                }
                if (!target.startsWith("socket:[")) {
                    continue;
                }
                int[] p = ports.get(Long.parseLong(target.substring(8, target.length() - 1)));
                if (p == null) {
                    continue;
                }
                if (p[0] == port) {
                    inbound++;
                } else if (p[1] == pgPort) {
                    db++;
                } else {
                    outgoing++;
                }
            }
        } catch (IOException e) {
            return "connections unknown";
        }
        return String.format(Locale.ROOT, "%d peers' connections in, %d out, %d to PostgreSQL", inbound, outgoing, db);
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

    /** utime + stime of the hub's JVMs (with {@code --split} its API process and its worker), in clock ticks. */
    private long hubCpuTicks() {
        return sumOf(hubCpuTicksEach());
    }

    /** The hub's API process (or only process), then its worker (0 without {@code --split}), in clock ticks. */
    private long[] hubCpuTicksEach() {
        return new long[]{cpuTicks(hubPid), worker == null ? 0 : cpuTicks(workerPid)};
    }

    /**
     * CPU of the hub's embedded PostgreSQL: its postmaster (named in {@code pg/postmaster.pid}),
     * the backends it reaped (its cutime + cstime) and the ones still running, in clock ticks.
     */
    private long postgresCpuTicks() {
        long postmaster;
        try {
            postmaster = Long.parseLong(Files.readAllLines(pgDir().resolve("postmaster.pid")).get(0).trim());
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
