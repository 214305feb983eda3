package dev.entente.bench;

import dev.entente.ca.authority.CertificateAuthority;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.tls.HubTlsCertificates.TlsKey;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.controlplane.hub.HubLauncher;
import dev.entente.controlplane.hub.RunningHub;
import dev.entente.ca.tls.PinningTrustManager;
import dev.entente.ca.tls.TlsPolicy;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.federation.handshake.NodeKeys;
import dev.entente.federation.peer.Peer;
import dev.entente.federation.protocol.PeerEndpoint;
import dev.entente.lifecycle.db.Tx;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * New mTLS connections per second against the machine's limit: each request is a new TCP
 * connection, a full TLS 1.3 handshake with a client certificate (no resumption: every
 * connection gets a fresh client {@link SSLContext}, so there is no session to resume), one
 * {@code GET /federation/v1/ping} with {@code Connection: close}, and the close.
 *
 * <p>Servers, in the same run and driven by the same client code: hub A (in-process, linked
 * with hub B as {@code TwoHubsSpec} links them, the client being B's node certificate for A),
 * and nginx started by the bench as a foreground process of the current user, serving hub A's
 * own Ed25519 TLS certificate and key, TLS 1.3 only, {@code ssl_verify_client on} against A's
 * federation CA bundle, answering the same path with {@code return 200} and a body of the
 * hub's size. Windows alternate hub and nginx so a change in machine load hits both.
 *
 * <p>Reported per client thread count: connections/s (median of the windows), p50/p99 of one
 * connection, the ratio hub/nginx (target: at least 50%), and this JVM's CPU per connection:
 * against nginx that is the client alone, against the hub the client plus the hub's side.
 *
 * <p>Run with {@code bench/run tls}; options: {@code --threads 1,2}, {@code --windows 3},
 * {@code --window-seconds 3}, {@code --warmup-seconds 6}, {@code --nginx /usr/sbin/nginx}.
 */
public final class TlsBench {
    private static final String PATH = "/federation/v1/ping";

    private TlsBench() {
    }

    /** Who the client is and whom it trusts: B's node key and certificate for A, and A's TLS fingerprint pinned. */
    record Identity(PrivateKey key, X509Certificate cert, String serverFingerprint) {
    }

    record Result(long connections, double seconds, long[] latencies, double jvmCpuMicros) {
        double rate() {
            return connections / seconds;
        }
    }

    public static void main(String[] args) throws Exception {
        List<Integer> threadCounts = List.of(1, 2);
        int windows = 3;
        double windowSeconds = 3;
        double warmupSeconds = 6;
        String nginxBinary = "/usr/sbin/nginx";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--threads" -> threadCounts = Arrays.stream(args[++i].split(",")).map(String::trim).map(Integer::parseInt).toList();
                case "--windows" -> windows = Integer.parseInt(args[++i]);
                case "--window-seconds" -> windowSeconds = Double.parseDouble(args[++i]);
                case "--warmup-seconds" -> warmupSeconds = Double.parseDouble(args[++i]);
                case "--nginx" -> nginxBinary = args[++i];
                default -> {
                    System.err.println("unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        System.out.printf(Locale.ROOT, "TLS 1.3 mTLS new-connection bench: threads %s, %d windows x %.1f s per server, warm-up %.1f s, java %s, %d cpus, load %s%n",
                threadCounts, windows, windowSeconds, warmupSeconds, Runtime.version(), Runtime.getRuntime().availableProcessors(), CaBench.loadAverage());
        RunningHub a = null;
        RunningHub b = null;
        Process nginx = null;
        try {
            a = startHub("hub-a");
            b = startHub("hub-b");
            MtlsHarness.Link link = MtlsHarness.link(a, b);
            Peer peerA = b.bean(FederationService.class).peers().find(link.peerAonB()).orElseThrow();
            PeerEndpoint endpoint = new NodeKeys(b.bean(Tx.class), b.bean(SealedKeyStore.class)).endpoint(peerA);
            TlsKey served = a.bean(TlsState.class).current();
            Identity id = new Identity(endpoint.clientKey(), endpoint.clientCert(), served.fingerprint());
            System.out.println("server certificate: " + served.certificate().getPublicKey().getAlgorithm() + ", client certificate: "
                    + id.cert().getPublicKey().getAlgorithm() + " issued by " + id.cert().getIssuerX500Principal().getName());

            Path dir = Files.createDirectories(Path.of("bench/target/nginx-tls").toAbsolutePath());
            int nginxPort = freePort();
            nginx = startNginx(nginxBinary, dir, nginxPort, served, a.bean(CertificateAuthority.class).trustBundle().pem(),
                    body(a.port(), id));
            Map<String, Integer> ports = new LinkedHashMap<>();
            ports.put("hub", a.port());
            ports.put("nginx", nginxPort);
            for (var e : ports.entrySet()) {
                String answer = connectOnce(e.getValue(), id);
                if (!answer.startsWith("HTTP/1.1 200")) {
                    throw new IllegalStateException(e.getKey() + " answered: " + answer);
                }
            }

            int maxThreads = threadCounts.stream().mapToInt(Integer::intValue).max().orElse(1);
            ExecutorService pool = Executors.newFixedThreadPool(maxThreads);
            for (var e : ports.entrySet()) {
                Result warm = window(pool, e.getValue(), id, maxThreads, warmupSeconds);
                System.out.printf(Locale.ROOT, "warm-up %-5s %6.0f connections/s%n", e.getKey(), warm.rate());
            }
            System.out.println();
            System.out.println("threads  server  connections/s (median)  p50 ms  p99 ms  JVM cpu/connection");
            Map<Integer, double[]> ratios = new LinkedHashMap<>();
            for (int threads : threadCounts) {
                Map<String, List<Result>> results = new LinkedHashMap<>();
                ports.keySet().forEach(k -> results.put(k, new ArrayList<>()));
                for (int w = 0; w < windows; w++) {
                    List<String> order = new ArrayList<>(ports.keySet());
                    if (w % 2 == 1) {
                        java.util.Collections.reverse(order);
                    }
                    for (String server : order) {
                        results.get(server).add(window(pool, ports.get(server), id, threads, windowSeconds));
                    }
                }
                double[] medians = new double[2];
                double[] cpu = new double[2];
                int i = 0;
                for (var e : results.entrySet()) {
                    List<Result> rs = e.getValue();
                    long[] all = rs.stream().flatMapToLong(r -> Arrays.stream(r.latencies())).sorted().toArray();
                    medians[i] = MtlsHarness.median(rs.stream().map(Result::rate).toList());
                    cpu[i] = MtlsHarness.median(rs.stream().map(Result::jvmCpuMicros).toList());
                    System.out.printf(Locale.ROOT, "%7d  %-6s  %21.0f  %6.2f  %6.2f  %8.0f µs%n", threads, e.getKey(), medians[i],
                            MtlsHarness.percentile(all, 50) / 1e6, MtlsHarness.percentile(all, 99) / 1e6, cpu[i]);
                    i++;
                }
                ratios.put(threads, new double[]{medians[0] / medians[1], cpu[1], cpu[0] - cpu[1]});
            }
            System.out.println();
            for (var e : ratios.entrySet()) {
                System.out.printf(Locale.ROOT, "%d thread(s): hub = %.1f%% of nginx (target >= 50%%); client alone %.0f µs CPU per connection, "
                        + "hub side about %.0f µs%n", e.getKey(), 100 * e.getValue()[0], e.getValue()[1], e.getValue()[2]);
            }
            System.out.println("load average at end: " + CaBench.loadAverage());
            pool.shutdownNow();
        } finally {
            if (nginx != null) {
                nginx.destroy();
                nginx.waitFor(10, TimeUnit.SECONDS);
            }
            if (b != null) {
                b.close();
            }
            if (a != null) {
                a.close();
            }
        }
    }

    /** {@code threads} clients open, use and close connections back to back for {@code seconds}. */
    static Result window(ExecutorService pool, int port, Identity id, int threads, double seconds) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        long[] deadline = new long[1];
        List<Future<long[]>> futures = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            futures.add(pool.submit(() -> {
                long[] lat = new long[1024];
                int n = 0;
                go.await();
                long now = System.nanoTime();
                while (now < deadline[0]) {
                    String answer = connectOnce(port, id);
                    if (!answer.startsWith("HTTP/1.1 200")) {
                        throw new IllegalStateException("port " + port + " answered: " + answer);
                    }
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
        long cpuBefore = MtlsHarness.processCpuNanos();
        long started = System.nanoTime();
        deadline[0] = started + (long) (seconds * 1e9);
        go.countDown();
        List<long[]> parts = new ArrayList<>();
        for (Future<long[]> f : futures) {
            parts.add(f.get());
        }
        double elapsed = (System.nanoTime() - started) / 1e9;
        long cpu = MtlsHarness.processCpuNanos() - cpuBefore;
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        return new Result(all.length, elapsed, all, all.length == 0 ? Double.NaN : cpu / 1e3 / all.length);
    }

    /** One new connection: TCP connect, full TLS 1.3 handshake with the client certificate, GET, read to the close. */
    static String connectOnce(int port, Identity id) throws IOException, GeneralSecurityException {
        SSLContext ssl = SSLContext.getInstance("TLSv1.3");
        ssl.init(new KeyManager[]{new FixedKeyManager(id.key(), id.cert())},
                new TrustManager[]{new PinningTrustManager(Set.of(id.serverFingerprint()), false, Clock.systemUTC())}, null);
        try (Socket plain = new Socket()) {
            plain.setTcpNoDelay(true);
            plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            plain.setSoTimeout(10_000);
            try (SSLSocket tls = (SSLSocket) ssl.getSocketFactory().createSocket(plain, "127.0.0.1", port, true)) {
                tls.setEnabledProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
                tls.setEnabledCipherSuites(TlsPolicy.CIPHER_SUITES.toArray(String[]::new));
                tls.startHandshake();
                OutputStream out = tls.getOutputStream();
                out.write(("GET " + PATH + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = tls.getInputStream();
                return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** The hub's answer body, so nginx sends as many bytes. */
    private static String body(int hubPort, Identity id) throws IOException, GeneralSecurityException {
        String answer = connectOnce(hubPort, id);
        int at = answer.indexOf("\r\n\r\n");
        if (!answer.startsWith("HTTP/1.1 200") || at < 0) {
            throw new IllegalStateException("hub A answered: " + answer);
        }
        return answer.substring(at + 4);
    }

    private static Process startNginx(String binary, Path dir, int port, TlsKey served, String caBundle, String body)
            throws IOException, InterruptedException {
        Files.writeString(dir.resolve("server.pem"), Certificates.toPem(served.certificate()));
        Files.writeString(dir.resolve("server.key"), Certificates.pem("PRIVATE KEY", served.privateKey().getEncoded()));
        Files.writeString(dir.resolve("ca.pem"), caBundle);
        Files.createDirectories(dir.resolve("logs"));
        String conf = String.join("\n",
                "worker_processes auto;",
                "error_log " + dir.resolve("logs/error.log") + " warn;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "events { worker_connections 1024; }",
                "http {",
                "  access_log off;",
                "  client_body_temp_path " + dir.resolve("body") + ";",
                "  proxy_temp_path " + dir.resolve("proxy") + ";",
                "  fastcgi_temp_path " + dir.resolve("fastcgi") + ";",
                "  uwsgi_temp_path " + dir.resolve("uwsgi") + ";",
                "  scgi_temp_path " + dir.resolve("scgi") + ";",
                "  server {",
                "    listen 127.0.0.1:" + port + " ssl;",
                "    ssl_protocols TLSv1.3;",
                "    ssl_certificate " + dir.resolve("server.pem") + ";",
                "    ssl_certificate_key " + dir.resolve("server.key") + ";",
                "    ssl_client_certificate " + dir.resolve("ca.pem") + ";",
                "    ssl_verify_client on;",
                "    location = " + PATH + " {",
                "      default_type application/json;",
                "      return 200 '" + body.replace("'", "") + "';",
                "    }",
                "  }",
                "}",
                "");
        Path confFile = dir.resolve("nginx.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(binary, "-p", dir.toString(), "-c", confFile.toString(), "-g", "daemon off;")
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("nginx exited " + p.exitValue() + ": " + Files.readString(dir.resolve("logs/stdout.log"))
                        + Files.readString(dir.resolve("logs/error.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return p;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        p.destroy();
        throw new IllegalStateException("nginx did not listen on " + port + " within 10 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static RunningHub startHub(String name) throws IOException {
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("entente.data-dir", Files.createTempDirectory("entente-tlsbench-" + name).toString());
        flags.put("entente.hub.bind", "127.0.0.1");
        flags.put("entente.hub.port", 0);
        flags.put("entente.hub.name", name);
        flags.put("entente.worker.in-process", false);
        flags.put("entente.heartbeat.interval", "1h");
        flags.put("entente.heartbeat.stale-after", "24h");
        flags.put("entente.sweep.interval", "1h");
        return HubLauncher.launch(flags, null, Map.of(), Clock.systemUTC());
    }

    /** The one client identity, without a key store: choosing it costs nothing per connection. */
    private static final class FixedKeyManager extends X509ExtendedKeyManager {
        private final PrivateKey key;
        private final X509Certificate[] chain;

        FixedKeyManager(PrivateKey key, X509Certificate cert) {
            this.key = key;
            this.chain = new X509Certificate[]{cert};
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[]{"node"};
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return "node";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
            return "node";
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return chain.clone();
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return key;
        }
    }
}
