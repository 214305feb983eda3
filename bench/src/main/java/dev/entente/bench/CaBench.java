package dev.entente.bench;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ed25519 and certificate issuance against the machine's limit, in one run:
 * <ol>
 *   <li>{@code openssl speed -seconds 3 ed25519}: OpenSSL's sign/s and verify/s on one core, and
 *       the pair rate 1/(1/sign + 1/verify), what one issuance (a CSR check and a signature) cannot beat;</li>
 *   <li>{@link Ed25519Benchmark}: the same on each Ed25519 implementation a JVM here can use (1 thread);</li>
 *   <li>{@link IssuanceBenchmark} on 1 and 2 threads: CSR to certificate next to the raw
 *       sign+verify of the implementation issuance uses;</li>
 *   <li>issuance per core from thread CPU time, and its ratio to OpenSSL's pair rate (target: at least 50%).</li>
 * </ol>
 * Runs under whatever JVM starts it (JMH forks the same one), so the Java 17 and a newer JDK's
 * figures come from the same command with another {@code java}.
 */
public final class CaBench {
    private static final Pattern OPENSSL_LINE = Pattern.compile("\\(Ed25519\\)\\s+\\S+s\\s+\\S+s\\s+([0-9.]+)\\s+([0-9.]+)");

    private CaBench() {
    }

    public static void main(String[] args) throws RunnerException, IOException, InterruptedException {
        System.out.println("java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name")
                + "), load average at start: " + loadAverage());
        double[] openssl = opensslSpeed();
        double opensslPair = pairRate(openssl[0], openssl[1]);

        Map<String, double[]> ed = new LinkedHashMap<>();
        for (RunResult r : run(Ed25519Benchmark.class.getName() + "\\.", 1, 5, 3)) {
            String name = r.getParams().getParam("impl") + " " + shortName(r);
            ed.put(name, new double[]{r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
        }

        Map<Integer, Map<String, double[]>> byThreads = new LinkedHashMap<>();
        for (int threads : new int[]{1, 2}) {
            Map<String, double[]> scores = new LinkedHashMap<>();
            for (RunResult r : run(IssuanceBenchmark.class.getName() + "\\.", threads, 6, 5)) {
                scores.put(shortName(r), new double[]{r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
            }
            byThreads.put(threads, scores);
        }
        double[] cpu = cpuCostMicros(10);

        System.out.println();
        System.out.println(String.format(Locale.ROOT, "openssl speed ed25519 (1 core): %.0f sign/s, %.0f verify/s -> sign+verify pair %.0f/s",
                openssl[0], openssl[1], opensslPair));
        System.out.println();
        System.out.println("Ed25519, 1 thread   sign/s            verify/s          sign+verify/s     pair vs openssl");
        for (String impl : new String[]{"sunec", "bc-jca", "bc", "tink"}) {
            double[] sign = ed.get(impl + " sign");
            double[] verify = ed.get(impl + " verify");
            double[] pair = ed.get(impl + " signVerify");
            System.out.println(String.format(Locale.ROOT, "%-18s %8.0f ± %-6.0f %8.0f ± %-6.0f %8.0f ± %-6.0f %6.1f%%",
                    impl, sign[0], sign[1], verify[0], verify[1], pair[0], pair[1], 100 * pair[0] / opensslPair));
        }
        System.out.println();
        System.out.println("threads  raw Ed25519 sign+verify (ops/s)   CSR->certificate issuance (ops/s)   ratio");
        for (var e : byThreads.entrySet()) {
            double[] raw = e.getValue().get("rawSignVerify");
            double[] issue = e.getValue().get("issueNodeCertificate");
            System.out.println(String.format(Locale.ROOT, "%7d  %14.0f ± %-14.0f  %16.0f ± %-16.0f  %5.1f%%",
                    e.getKey(), raw[0], raw[1], issue[0], issue[1], 100 * issue[0] / raw[0]));
        }
        System.out.println(String.format(Locale.ROOT, "cpu/op   %14.1f µs (%5.0f/s per core)   %16.1f µs (%5.0f/s per core)   %5.1f%%",
                cpu[0], 1e6 / cpu[0], cpu[1], 1e6 / cpu[1], 100 * cpu[0] / cpu[1]));
        System.out.println();
        double perCore = 1e6 / cpu[1];
        System.out.println(String.format(Locale.ROOT, "issuance per core %.0f/s = %.1f%% of OpenSSL's Ed25519 sign+verify pair rate %.0f/s (target >= 50%%)",
                perCore, 100 * perCore / opensslPair, opensslPair));
        System.out.println("load average at end: " + loadAverage());
    }

    private static Collection<RunResult> run(String include, int threads, int warmups, int measurements) throws RunnerException {
        Options opts = new OptionsBuilder()
                .include(include)
                .mode(Mode.Throughput)
                .timeUnit(TimeUnit.SECONDS)
                .forks(1)
                // SunEC's Ed25519 on Java 17 is still being JIT-compiled after 3 s
                .warmupIterations(warmups).warmupTime(TimeValue.seconds(1))
                .measurementIterations(measurements).measurementTime(TimeValue.seconds(1))
                .threads(threads)
                .build();
        return new Runner(opts).run();
    }

    private static String shortName(RunResult r) {
        String name = r.getParams().getBenchmark();
        return name.substring(name.lastIndexOf('.') + 1);
    }

    static double pairRate(double signPerSecond, double verifyPerSecond) {
        return 1 / (1 / signPerSecond + 1 / verifyPerSecond);
    }

    /** {sign/s, verify/s} from {@code openssl speed -seconds 3 ed25519} (one process, one core). */
    static double[] opensslSpeed() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("openssl", "speed", "-seconds", "3", "ed25519")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("openssl speed ed25519 exited " + p.exitValue() + ":\n" + out);
        }
        Matcher m = OPENSSL_LINE.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no Ed25519 line in openssl speed's output:\n" + out);
        }
        return new double[]{Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))};
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2] + " (" + Runtime.getRuntime().availableProcessors() + " cpus)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Thread CPU time per operation, raw and issuance alternated in blocks of 50 on one thread
     * for {@code seconds}: on a shared machine other processes steal wall-clock time from one
     * JMH run and not the other, but not CPU time, and alternating spreads cache and frequency
     * effects evenly. Returns {raw µs/op, issuance µs/op}. The first third is discarded as warm-up.
     */
    static double[] cpuCostMicros(int seconds) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        IssuanceBenchmark bench = new IssuanceBenchmark();
        IssuanceBenchmark.Ca ca = new IssuanceBenchmark.Ca();
        IssuanceBenchmark.Raw raw = new IssuanceBenchmark.Raw();
        ca.setUp();
        raw.setUp();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long warm = System.nanoTime() + seconds * 1_000_000_000L / 3;
        long rawNanos = 0;
        long issueNanos = 0;
        long rawOps = 0;
        long issueOps = 0;
        Object sink = null;
        while (System.nanoTime() < end) {
            long t0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 50; i++) {
                sink = bench.rawSignVerify(raw);
            }
            long t1 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < 50; i++) {
                sink = bench.issueNodeCertificate(ca);
            }
            long t2 = mx.getCurrentThreadCpuTime();
            if (System.nanoTime() > warm) {
                rawNanos += t1 - t0;
                issueNanos += t2 - t1;
                rawOps += 50;
                issueOps += 50;
            }
        }
        if (sink == null) {
            throw new IllegalStateException("unreachable");
        }
        return new double[]{rawNanos / 1e3 / rawOps, issueNanos / 1e3 / issueOps};
    }
}
