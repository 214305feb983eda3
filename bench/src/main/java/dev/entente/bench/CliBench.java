package dev.entente.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How long a client command takes, as an operator types it, against the physical limit of the
 * same request: {@code curl} of {@code GET /api/v1/status} with the admin token. One hub runs
 * throughout; each round runs every variant once, in turn, so that load from elsewhere falls on
 * all of them alike:
 * <ul>
 *   <li>{@code bin/entente status} as shipped: client JVM flags and the AppCDS archive, which
 *       the harness lets the launcher build first, in a cache dir of its own;</li>
 *   <li>the same with {@code ENTENTE_CDS=off}: the flags alone;</li>
 *   <li>{@code java -jar entente.jar status}: no launcher, the JVM's defaults;</li>
 *   <li>{@code bin/entente --version}: the launcher and a JVM that parses one flag;</li>
 *   <li>{@code curl -k}: TLS 1.3 and the same request, nothing of Java.</li>
 * </ul>
 * Figures are medians and 90th percentiles in seconds, printed, never asserted.
 *
 * <pre>bench/run cli [--runs 20] [--jar control-plane/target/entente.jar]</pre>
 */
public final class CliBench {
    private static final Pattern URL = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"");

    private CliBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 20;
        Path jar = Path.of("control-plane/target/entente.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "; known: --runs N, --jar PATH");
            }
        }
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException(jar + " is missing; build it with: mvn -B -pl control-plane -am package -DskipTests");
        }
        Path dir = Files.createTempDirectory("entente-cli-bench");
        Path cache = Files.createDirectories(dir.resolve("cache"));
        HttpClient http = StartBench.insecureClient();
        Process hub = StartBench.launch(jar, dir);
        try {
            StartBench.untilHealthy(http, dir, hub);
            Matcher m = URL.matcher(Files.readString(dir.resolve("hub.json")));
            if (!m.find()) {
                throw new IllegalStateException("no url in " + dir.resolve("hub.json"));
            }
            String url = m.group(1) + "/api/v1/status";
            String token = Files.readString(dir.resolve("admin.token")).trim();
            String dataDir = dir.toString();

            double recording = time(Map.of("XDG_CACHE_HOME", cache.toString()), "bin/entente", "status", "--data-dir", dataDir);
            double archived = untilArchived(cache);
            System.out.printf(Locale.ROOT, "first call (records the class list) %.2f s; archive ready %.1f s later%n", recording, archived);

            Map<String, String> withCache = Map.of("XDG_CACHE_HOME", cache.toString());
            List<Variant> variants = List.of(
                    new Variant("`curl -k` GET /api/v1/status (the limit)", Map.of(),
                            "curl", "-sS", "-k", "--tlsv1.3", "-o", "/dev/null", "-H", "Authorization: Bearer " + token, url),
                    new Variant("`bin/entente status` (client flags + AppCDS)", withCache, "bin/entente", "status", "--data-dir", dataDir),
                    new Variant("`bin/entente status`, ENTENTE_CDS=off (flags only)", Map.of("ENTENTE_CDS", "off"),
                            "bin/entente", "status", "--data-dir", dataDir),
                    new Variant("`java -jar entente.jar status` (JVM defaults)", Map.of(),
                            "java", "-jar", jar.toString(), "status", "--data-dir", dataDir),
                    new Variant("`bin/entente --version` (client flags + AppCDS)", withCache, "bin/entente", "--version"));
            Map<Variant, List<Double>> results = new LinkedHashMap<>();
            variants.forEach(v -> results.put(v, new ArrayList<>()));
            String before = Files.readString(Path.of("/proc/loadavg")).trim();
            for (int r = 0; r < runs; r++) {
                for (Variant v : variants) {
                    results.get(v).add(time(v.env(), v.command()));
                }
            }
            String after = Files.readString(Path.of("/proc/loadavg")).trim();

            double limit = StartBench.median(results.get(variants.get(0)));
            System.out.printf(Locale.ROOT, "%n%d runs each, %d cores; load average before %s, after %s%n%n", runs,
                    Runtime.getRuntime().availableProcessors(), before, after);
            System.out.println("| what | median s | p90 s | × curl |");
            System.out.println("|---|---|---|---|");
            results.forEach((v, values) -> System.out.printf(Locale.ROOT, "| %s | %.3f | %.3f | %.1f× |%n", v.what(),
                    StartBench.median(values), p90(values), StartBench.median(values) / limit));
        } finally {
            StartBench.stop(hub);
        }
    }

    private record Variant(String what, Map<String, String> env, String... command) {
    }

    /** Runs one command to its end, output discarded, and returns its wall time; a failure ends the bench. */
    private static double time(Map<String, String> env, String... command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 60 s");
            }
            double seconds = StartBench.seconds(t0);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue());
            }
            return seconds;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command[0], e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Waits for the archive the launcher builds in the background after the first call. */
    private static double untilArchived(Path cache) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Path dir = cache.resolve("entente");
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(120)) {
            try (var files = Files.list(dir)) {
                if (files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"))) {
                    return StartBench.seconds(t0);
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the launcher built no AppCDS archive in " + dir + " within 120 s");
    }

    private static double p90(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);
    }
}
