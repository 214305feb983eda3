package dev.entente.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.annotations.Mode;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link IssuanceBenchmark} on 1 and 2 threads in one go (1 fork, 6 x 1 s warm-up: SunEC's Ed25519 is still being JIT-compiled after 3 s,
 * 5 x 1 s measurement) and prints issuance throughput next to raw Ed25519 sign+verify and their
 * ratio. The target: issuance at least 50% of raw sign+verify.
 */
public final class CaBench {
    private CaBench() {
    }

    public static void main(String[] args) throws RunnerException {
        Map<Integer, Map<String, double[]>> byThreads = new LinkedHashMap<>();
        for (int threads : new int[]{1, 2}) {
            Options opts = new OptionsBuilder()
                    .include(IssuanceBenchmark.class.getName() + "\\.")
                    .mode(Mode.Throughput)
                    .timeUnit(TimeUnit.SECONDS)
                    .forks(1)
                    .warmupIterations(6).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                    .threads(threads)
                    .build();
            Collection<RunResult> results = new Runner(opts).run();
            Map<String, double[]> scores = new LinkedHashMap<>();
            for (RunResult r : results) {
                String name = r.getParams().getBenchmark();
                name = name.substring(name.lastIndexOf('.') + 1);
                scores.put(name, new double[]{r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
            }
            byThreads.put(threads, scores);
        }
        double[] cpu = cpuCostMicros(10);
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
        try {
            raw.setUp();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
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
                try {
                    sink = bench.rawSignVerify(raw);
                } catch (java.security.GeneralSecurityException e) {
                    throw new IllegalStateException(e);
                }
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
