package dev.entente.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.client.cli.Main;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.federation.PeerClient;
import dev.entente.controlplane.hub.RunningHub;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.peer.PeerState;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * What the mTLS benchmarks share: linking two in-process hubs through the real CLI, and timed
 * load windows of kept-alive {@link PeerClient}s with machine and JVM CPU per request.
 */
final class MtlsHarness {
    private static final ObjectMapper JSON = new ObjectMapper();

    private MtlsHarness() {
    }

    static long countIf(boolean condition, long n) {
        return condition ? n : 0;
    }

    record Link(UUID peerBonA, UUID peerAonB) {
    }

    /** Propose on A, accept on B (the CLI, as TwoHubsSpec does), then one heartbeat each way. */
    static Link link(RunningHub a, RunningHub b) throws Exception {
        JsonNode proposed = cli(a, "peers", "propose", "--name", "hub-b", "--output", "json");
        String token = proposed.path("acceptance_token").asText();
        UUID peerBonA = UUID.fromString(proposed.path("peer").path("id").asText());
        JsonNode accepted = cli(b, "peers", "accept", "--token", token, "--output", "json");
        UUID peerAonB = UUID.fromString(accepted.path("peer").path("id").asText());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (true) {
            Peer bOnA = a.bean(FederationService.class).peers().find(peerBonA).orElseThrow();
            Peer aOnB = b.bean(FederationService.class).peers().find(peerAonB).orElseThrow();
            if (bOnA.state() == PeerState.ACTIVE && aOnB.state() == PeerState.ACTIVE) {
                return new Link(peerBonA, peerAonB);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the link did not become active: A sees B " + bOnA.state()
                        + " (" + bOnA.lastHeartbeatError() + "), B sees A " + aOnB.state() + " (" + aOnB.lastHeartbeatError() + ")");
            }
            if (aOnB.state() != PeerState.ACTIVE || bOnA.state() != PeerState.ACTIVE) {
                b.bean(FederationService.class).sendHeartbeat(aOnB);
                a.bean(FederationService.class).sendHeartbeat(a.bean(FederationService.class).peers().find(peerBonA).orElseThrow());
            }
            Thread.sleep(200);
        }
    }

    static JsonNode cli(RunningHub hub, String... args) throws IOException {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> argv = new ArrayList<>(List.of(args));
        argv.add("--data-dir");
        argv.add(hub.settings().dataDir().toString());
        int code = Main.run(argv.toArray(String[]::new), Map.of(), new PrintWriter(out), new PrintWriter(err));
        if (code != 0) {
            throw new IllegalStateException("entente " + String.join(" ", args) + " failed (" + code + "): " + err);
        }
        return JSON.readTree(out.toString());
    }

    @FunctionalInterface
    interface Call {
        JsonNode call(PeerClient client);
    }

    record Endpoint(String name, Call call) {
    }

    record Window(long requests, double seconds, long[] latencies, double cpuMicrosPerRequest,
                          double jvmCpuMicrosPerRequest) {
        double rate() {
            return requests / seconds;
        }
    }

    /** {@code threads} clients call {@code e} back to back for {@code seconds}; any failure aborts the run. */
    static Window window(ExecutorService pool, PeerClient[] clients, int threads, Endpoint e, double seconds)
            throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Future<long[]>> futures = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            PeerClient client = clients[i];
            futures.add(pool.submit(() -> {
                long[] lat = new long[4096];
                int n = 0;
                go.await();
                long end = deadline[0];
                long now = System.nanoTime();
                while (now < end) {
                    e.call().call(client);
                    long after = System.nanoTime();
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = after - now;
                    now = after;
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        long cpuBefore = machineBusyTicks();
        long jvmBefore = processCpuNanos();
        long startedAt = System.nanoTime();
        deadline[0] = startedAt + (long) (seconds * 1e9);
        go.countDown();
        List<long[]> parts = new ArrayList<>();
        for (Future<long[]> f : futures) {
            parts.add(f.get());
        }
        double elapsed = (System.nanoTime() - startedAt) / 1e9;
        long cpuTicks = machineBusyTicks() - cpuBefore;
        long jvmNanos = processCpuNanos() - jvmBefore;
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        double cpuMicros = cpuTicks < 0 || all.length == 0 ? Double.NaN : cpuTicks * 1e6 / ticksPerSecond() / all.length;
        return new Window(all.length, elapsed, all, cpuMicros, all.length == 0 ? Double.NaN : jvmNanos / 1e3 / all.length);
    }

    /** CPU time of this JVM (both hubs' Java side and the clients), nanoseconds. */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** user + nice + system + irq + softirq jiffies of the whole machine, or -1 where /proc/stat is missing. */
    static long machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            return Long.parseLong(f[1]) + Long.parseLong(f[2]) + Long.parseLong(f[3]) + Long.parseLong(f[6])
                    + Long.parseLong(f[7]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static double ticksPerSecond() {
        return 100; // USER_HZ on Linux
    }

    /** {@code ss} output, for seeing that the clients kept their connections (informational). */
    static String connectionsTo(int port) {
        try {
            Process p = new ProcessBuilder("ss", "-Htn", "state", "established", "( dport = :" + port + " )")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return out.isEmpty() ? "0" : String.valueOf(out.lines().count());
        } catch (IOException e) {
            return "unknown (no ss)";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    @FunctionalInterface
    interface Step {
        Object call() throws Exception;
    }

    static void run(Step step, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            step.call();
        }
    }

    static String row(int threads, String endpoint, List<Window> ws) {
        List<Double> rates = ws.stream().map(Window::rate).toList();
        long[] all = ws.stream().flatMapToLong(w -> Arrays.stream(w.latencies())).sorted().toArray();
        return String.format(Locale.ROOT, "| %d | %s | %d | %,.0f | %,.0f | %,.0f | %.2f | %.2f | %,.0f | %,.0f |",
                threads, endpoint, ws.size(), median(rates), Collections.min(rates), Collections.max(rates),
                percentile(all, 50) / 1e6, percentile(all, 99) / 1e6,
                median(ws.stream().map(Window::cpuMicrosPerRequest).toList()),
                median(ws.stream().map(Window::jvmCpuMicrosPerRequest).toList()));
    }

    /** Nearest-rank percentile of a sorted array. */
    static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(Comparator.naturalOrder());
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
