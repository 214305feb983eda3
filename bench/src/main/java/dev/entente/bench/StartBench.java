package dev.entente.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * How long {@code entente start} takes until {@code /healthz} answers 200, from an empty data dir
 * (initdb, migrations, CA and vault creation) and on an existing one (a restart), and how long a
 * SIGTERM stop takes; against the floor of the same jar answering {@code entente --version} (a
 * JVM start and the CLI's parse, nothing of the hub). Each run is a separate {@code java -jar}
 * process as an operator starts it; figures are medians, printed, never asserted.
 *
 * <pre>bench/run start [--runs 5] [--jar control-plane/target/entente.jar]</pre>
 */
public final class StartBench {
    private static final Pattern URL = Pattern.compile("\"url\"\\s*:\\s*\"([^\"]+)\"");

    private StartBench() {
    }

    public static void main(String[] args) throws Exception {
        int runs = 5;
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
        HttpClient http = insecureClient();
        List<Double> version = new ArrayList<>();
        List<Double> cold = new ArrayList<>();
        List<Double> restart = new ArrayList<>();
        List<Double> stop = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            version.add(timeVersion(jar));
            Path dir = Files.createTempDirectory("entente-start-bench");
            Process p = launch(jar, dir);
            cold.add(untilHealthy(http, dir, p));
            stop.add(stop(p));
            p = launch(jar, dir);
            restart.add(untilHealthy(http, dir, p));
            stop.add(stop(p));
            System.out.printf(Locale.ROOT, "run %d: --version %.2f s, cold start %.2f s, restart %.2f s%n",
                    r + 1, version.get(r), cold.get(r), restart.get(r));
        }
        double floor = median(version);
        System.out.println();
        System.out.println("| what | median s | min–max s | × the --version floor |");
        System.out.println("|---|---|---|---|");
        row("`entente --version` (JVM floor)", version, floor);
        row("`entente start`, empty data dir, until /healthz 200", cold, floor);
        row("`entente start`, existing data dir, until /healthz 200", restart, floor);
        row("SIGTERM until the process exited", stop, floor);
    }

    private static double timeVersion(Path jar) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder("java", "-jar", jar.toString(), "--version")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("entente --version exited with " + p.exitValue());
        }
        return seconds(t0);
    }

    static Process launch(Path jar, Path dir) throws IOException {
        Files.deleteIfExists(dir.resolve("hub.json"));
        return new ProcessBuilder("java", "-jar", jar.toString(), "start", "--data-dir", dir.toString(),
                "--bind", "127.0.0.1", "--port", "0")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("bench.out").toFile()))
                .start();
    }

    static double untilHealthy(HttpClient http, Path dir, Process p) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(180);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("the hub in " + dir + " exited with " + p.exitValue() + "; see bench.out there");
            }
            Path info = dir.resolve("hub.json");
            if (Files.exists(info)) {
                Matcher m = URL.matcher(Files.readString(info));
                if (m.find()) {
                    try {
                        HttpResponse<Void> answer = http.send(HttpRequest.newBuilder(URI.create(m.group(1) + "/healthz"))
                                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                        if (answer.statusCode() == 200) {
                            return seconds(t0);
                        }
                    } catch (IOException notYet) {
                        // not listening yet
                    }
                }
            }
            Thread.sleep(20);
        }
        throw new IllegalStateException("the hub in " + dir + " was not healthy within 180 s");
    }

    static double stop(Process p) throws InterruptedException {
        long t0 = System.nanoTime();
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new IllegalStateException("the hub did not stop within 60 s of SIGTERM");
        }
        return seconds(t0);
    }

    /** The bench only asks /healthz whether the hub serves; which certificate it serves is not its question. */
    static HttpClient insecureClient() throws Exception {
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        SSLContext tls = SSLContext.getInstance("TLSv1.3");
        tls.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[]{"TLSv1.3"});
        params.setEndpointIdentificationAlgorithm(null);
        return HttpClient.newBuilder().sslContext(tls).sslParameters(params).connectTimeout(Duration.ofSeconds(2)).build();
    }

    private static void row(String what, List<Double> values, double floor) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double median = median(values);
        System.out.printf(Locale.ROOT, "| %s | %.2f | %.2f–%.2f | %.1f× |%n", what, median, sorted.get(0),
                sorted.get(sorted.size() - 1), median / floor);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }
}
