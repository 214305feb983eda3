package dev.entente.bench;

import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link GrantMatchBenchmark} on 1 and 2 threads (1 fork, 10 x 1 s warm-up: scores still climbed after 5 s on a shared 2-vCPU machine, 5 x 1 s
 * measurement each) and prints in-process grant decisions per second with JMH's 99.9% error,
 * and the verdict mix of the request set. Target: at least 1,000,000 decisions/s.
 */
public final class GrantBench {
    static final double TARGET = 1_000_000;

    private GrantBench() {
    }

    public static void main(String[] args) throws RunnerException {
        Map<Integer, double[]> byThreads = new LinkedHashMap<>();
        for (int threads : new int[]{1, 2}) {
            Options opts = new OptionsBuilder()
                    .include(GrantMatchBenchmark.class.getName() + "\\.")
                    .mode(Mode.Throughput)
                    .timeUnit(TimeUnit.SECONDS)
                    .forks(1)
                    .warmupIterations(10).warmupTime(TimeValue.seconds(1))
                    .measurementIterations(5).measurementTime(TimeValue.seconds(1))
                    .threads(threads)
                    .build();
            for (RunResult r : new Runner(opts).run()) {
                byThreads.put(threads, new double[]{r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()});
            }
        }
        GrantMatchBenchmark.Fixture f = new GrantMatchBenchmark.Fixture();
        f.setUp();
        String[] names = {"applies", "revoked", "pending", "expired", "permission", "instance", "network", "source", "unknown"};
        StringBuilder mix = new StringBuilder();
        for (int i = 0; i < f.verdicts.length; i++) {
            if (f.verdicts[i] > 0) {
                mix.append(mix.length() == 0 ? "" : ", ").append(names[i]).append(' ')
                        .append(String.format(Locale.ROOT, "%.1f%%", 100.0 * f.verdicts[i] / GrantMatchBenchmark.REQUESTS));
            }
        }
        System.out.println();
        System.out.println("grants " + GrantMatchBenchmark.GRANTS + ", requests " + GrantMatchBenchmark.REQUESTS
                + " (verdicts: " + mix + ")");
        System.out.println("threads  decisions/s (mean ± 99.9% error)      vs target 1,000,000/s");
        for (var e : byThreads.entrySet()) {
            double[] s = e.getValue();
            System.out.println(String.format(Locale.ROOT, "%7d  %,16.0f ± %,-14.0f  %6.1fx %s", e.getKey(), s[0], s[1],
                    s[0] / TARGET, s[0] - s[1] >= TARGET ? "met" : "NOT MET"));
        }
    }
}
