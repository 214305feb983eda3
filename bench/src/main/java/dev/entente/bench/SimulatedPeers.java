package dev.entente.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.entente.ca.authority.CsrPolicy;
import dev.entente.ca.crypto.Certificates;
import dev.entente.ca.crypto.Curve25519Provider;
import dev.entente.ca.tls.TlsPolicy;
import dev.entente.federation.protocol.FederationProtocol;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509TrustManager;

/**
 * Many accepting hubs in one process, as thin as the protocol allows: each simulated peer has its
 * own hub id, federation CA (Ed25519) and node key, and its own loopback address
 * ({@code https://127.1.x.y:port}) on one shared HTTPS server that answers the hub's calls to it
 * (the return-path ping during the handshake, the hub's heartbeats), checking per peer that the
 * hub's client certificate comes from that peer's CA. Toward the hub each peer holds one kept-alive
 * mTLS connection with the node certificate the hub issued it in the real handshake.
 *
 * <p>Real peers run on machines of their own, so this process must not be what limits a reconnect
 * storm: its TLS uses the hub's own fast Curve25519 provider and offers the x25519 key share only
 * ({@code jdk.tls.namedGroups}, set by {@link ScaleBench} before the first TLS context). The hub
 * answers on x25519 either way; a P-256 share would only cost this process.
 */
final class SimulatedPeers implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final String PHASE = "standby";

    final Peer[] peers;
    /** The number of this process's first peer, and of every process's peers together. */
    final int first;
    final int total;
    private final HttpsServer server;
    private final ExecutorService serverThreads;
    private final String serverFingerprint;
    private final SSLContext clientTls;
    private final Map<Socket, Peer> socketOwners = new ConcurrentHashMap<>();
    private final Map<Principal, Peer> byCaName = new ConcurrentHashMap<>();
    /** Heartbeats the hub sent each peer, and when the last one arrived (System.nanoTime). */
    final AtomicLongArray hubHeartbeats;
    final AtomicLongArray lastHubHeartbeatAt;
    final AtomicLong refusedClientCerts = new AtomicLong();
    private volatile String hubPin;

    /** One simulated accepting hub. */
    static final class Peer {
        /** Its place in this process's {@link #peers}. */
        final int index;
        /** Its place among all the bench's peers, over every peer process: its name, hub id and address. */
        final int number;
        final String hubId;
        final String name;
        final InetAddress address;
        final KeyPair caKey;
        final X509Certificate caCert;
        final KeyPair nodeKey = Certificates.ed25519();
        volatile X509Certificate nodeCert;
        String peerIdOnHub;
        HubConnection connection;

        Peer(int index, int number) {
            this.index = index;
            this.number = number;
            this.hubId = String.format("hub_%08x", 0x5c000000 + number);
            this.name = String.format("sim-%05d", number);
            int host = number + 1;
            try {
                this.address = InetAddress.getByAddress(new byte[]{127, 1, (byte) (host >> 8), (byte) host});
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            this.caKey = Certificates.ed25519();
            this.caCert = Certificates.caCertificate(caKey, name + " federation CA", Instant.now().minus(Duration.ofMinutes(5)),
                    Duration.ofDays(30));
        }
    }

    SimulatedPeers(int n, int serverThreadCount) throws Exception {
        this(0, n, n, serverThreadCount);
    }

    /** Peers {@code first} to {@code first + n - 1} of {@code total}, when several processes share the bench's peers. */
    SimulatedPeers(int first, int n, int total, int serverThreadCount) throws Exception {
        Curve25519Provider.install();
        // The JDK server closes a connection idle for 30 s (exactly the heartbeat interval) and keeps
        // only 200 idle ones: both would turn every hub heartbeat into a new TLS handshake.
        System.setProperty("sun.net.httpserver.idleInterval", "600");
        System.setProperty("sun.net.httpserver.maxIdleConnections", "50000");
        this.first = first;
        this.total = total;
        peers = new Peer[n];
        for (int i = 0; i < n; i++) {
            peers[i] = new Peer(i, first + i);
            byCaName.put(peers[i].caCert.getSubjectX500Principal(), peers[i]);
        }
        hubHeartbeats = new AtomicLongArray(n);
        lastHubHeartbeatAt = new AtomicLongArray(n);
        KeyPair serverKey = Certificates.ed25519();
        X509Certificate serverCert = Certificates.selfSigned(serverKey, "simulated peers", Set.of("127.0.0.1"),
                Instant.now().minus(Duration.ofMinutes(5)), Duration.ofDays(30));
        serverFingerprint = Certificates.fingerprint(serverCert);
        SSLContext serverTls = SSLContext.getInstance("TLSv1.3");
        serverTls.init(keyManagers(serverKey.getPrivate(), serverCert), new TrustManager[]{new PeerCaTrust()}, null);
        server = HttpsServer.create(new InetSocketAddress("0.0.0.0", 0), 4096);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = serverTls.getDefaultSSLParameters();
                p.setProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
                // A real peer is an Entente hub and answers with the policy's order (AES-128-GCM and
                // SHA-256 first); the JDK's default picks AES-256-GCM with SHA-384, whose key schedule
                // was two fifths of the hub's new outgoing connections after a restart.
                p.setCipherSuites(TlsPolicy.CIPHER_SUITES.toArray(String[]::new));
                p.setUseCipherSuitesOrder(true);
                // The return-path ping comes without a client certificate; heartbeats need one.
                p.setWantClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", exchange -> {
            try (exchange) {
                answer((HttpsExchange) exchange);
            }
        });
        serverThreads = Executors.newFixedThreadPool(serverThreadCount);
        server.setExecutor(serverThreads);
        server.start();
        clientTls = SSLContext.getInstance("TLSv1.3");
        clientTls.init(new X509ExtendedKeyManager[]{new PerPeerKeys()}, new TrustManager[]{new HubPin()}, null);
    }

    String url(Peer p) {
        return "https://" + p.address.getHostAddress() + ":" + server.getAddress().getPort();
    }

    String serverFingerprint() {
        return serverFingerprint;
    }

    private void answer(HttpsExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        byte[] local = exchange.getLocalAddress().getAddress().getAddress();
        int index = ((local[2] & 0xff) << 8 | (local[3] & 0xff)) - 1 - first;
        Peer peer = local[0] == 127 && local[1] == 1 && index >= 0 && index < peers.length ? peers[index] : null;
        String path = exchange.getRequestURI().getPath();
        if (peer == null) {
            send(exchange, 404, JSON.createObjectNode().put("code", "not_found"));
        } else if (path.equals("/federation/v1/ping")) {
            send(exchange, 200, JSON.createObjectNode().put("protocol_version", FederationProtocol.VERSION).put("hub_id", peer.hubId));
        } else if (path.equals("/federation/v1/heartbeat") && "POST".equals(exchange.getRequestMethod())) {
            X509Certificate client = clientCertificate(exchange);
            if (client == null || !client.getIssuerX500Principal().equals(peer.caCert.getSubjectX500Principal())) {
                // TLS checked the signature against the named CA; this checks it is this peer's CA.
                refusedClientCerts.incrementAndGet();
                send(exchange, 401, JSON.createObjectNode().put("code", "peer_certificate_unknown"));
                return;
            }
            hubHeartbeats.incrementAndGet(index);
            lastHubHeartbeatAt.set(index, System.nanoTime());
            ObjectNode answer = heartbeat(peer);
            answer.put("renew", false);
            send(exchange, 200, answer);
        } else {
            send(exchange, 404, JSON.createObjectNode().put("code", "not_found"));
        }
    }

    private static X509Certificate clientCertificate(HttpsExchange exchange) {
        try {
            return (X509Certificate) exchange.getSSLSession().getPeerCertificates()[0];
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    private static void send(HttpsExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** What {@code OwnHeartbeat} builds on a real hub. */
    ObjectNode heartbeat(Peer peer) {
        ObjectNode hb = JSON.createObjectNode();
        hb.put("protocol_version", FederationProtocol.VERSION);
        hb.put("hub_id", peer.hubId);
        hb.put("clock", Instant.now().toString());
        hb.putArray("tls_fingerprints").add(serverFingerprint);
        hb.put("ca_phase", PHASE);
        return hb;
    }

    /** Signs the hub's CSR with {@code peer}'s CA, as {@code NodeCertificateSigner} does on a real hub. */
    static String issueFor(Peer peer, String csrPem, String proposerHubId) {
        CsrPolicy.Accepted csr = new CsrPolicy().check(csrPem.getBytes(StandardCharsets.US_ASCII));
        Instant now = Instant.now();
        X509Certificate cert = Certificates.nodeCertificate(csr.publicKey(), proposerHubId, "spiffe://" + peer.hubId
                        + "/peer/" + proposerHubId, Certificates.serial(), now.minus(Duration.ofMinutes(5)),
                now.plus(Duration.ofDays(7)), peer.caCert, peer.caKey.getPrivate());
        return Certificates.toPem(cert);
    }

    /** A new mTLS connection to the hub as {@code peer}, its TLS session cached under the peer's own name. */
    HubConnection connect(Peer peer, String hubHost, int hubPort, String hubFingerprint) throws IOException {
        hubPin = hubFingerprint;
        Socket plain = new Socket();
        plain.setTcpNoDelay(true);
        plain.connect(new InetSocketAddress(hubHost, hubPort), 10_000);
        // The session key is the host name given here: with the hub's address, one peer would
        // resume another's session (and its identity) on the shared context.
        SSLSocket tls = (SSLSocket) clientTls.getSocketFactory().createSocket(plain, peer.name + ".sim", hubPort, true);
        SSLParameters params = tls.getSSLParameters();
        params.setProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
        params.setCipherSuites(TlsPolicy.CIPHER_SUITES.toArray(String[]::new));
        params.setServerNames(List.of());
        tls.setSSLParameters(params);
        socketOwners.put(tls, peer);
        try {
            tls.startHandshake();
        } catch (IOException e) {
            socketOwners.remove(tls);
            tls.close();
            throw e;
        }
        return new HubConnection(tls, hubHost + ":" + hubPort, () -> socketOwners.remove(tls));
    }

    @Override
    public void close() {
        server.stop(0);
        serverThreads.shutdownNow();
    }

    private static javax.net.ssl.KeyManager[] keyManagers(PrivateKey key, X509Certificate cert) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", key, new char[0], new X509Certificate[]{cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        return kmf.getKeyManagers();
    }

    /** Client certificates signed by one of the simulated peers' CAs, inside their validity. */
    private final class PeerCaTrust implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            Peer peer = byCaName.get(chain[0].getIssuerX500Principal());
            if (peer == null) {
                throw new CertificateException("not issued by a simulated peer's CA");
            }
            try {
                chain[0].verify(peer.caCert.getPublicKey());
            } catch (java.security.GeneralSecurityException e) {
                throw new CertificateException("bad signature for " + peer.name + "'s CA", e);
            }
            chain[0].checkValidity();
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a server trust manager only");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            // 10,000 CA names in every CertificateRequest would be a 1 MB handshake message.
            return new X509Certificate[0];
        }
    }

    /** The node key and certificate of whichever peer owns the socket; none for anonymous calls. */
    private final class PerPeerKeys extends X509ExtendedKeyManager {
        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            Peer peer = socketOwners.get(socket);
            if (peer == null || peer.nodeCert == null) {
                return null;
            }
            String algorithm = peer.nodeKey.getPrivate().getAlgorithm();
            for (String type : keyTypes) {
                if (type.equals(algorithm) || type.equals("EdDSA") || type.equals("Ed25519")) {
                    return Integer.toString(peer.index);
                }
            }
            return null;
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return null;
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return new X509Certificate[]{peers[Integer.parseInt(alias)].nodeCert};
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return peers[Integer.parseInt(alias)].nodeKey.getPrivate();
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }

    /** The hub's self-signed certificate, trusted by its fingerprint (as a real peer pins it). */
    private final class HubPin implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a client trust manager only");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (!Certificates.fingerprint(chain[0]).equals(hubPin)) {
                throw new CertificateException("pin mismatch: the hub presented " + Certificates.fingerprint(chain[0]));
            }
            chain[0].checkValidity();
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** One kept-alive HTTP/1.1 connection; a request at a time. */
    static final class HubConnection implements AutoCloseable {
        private final SSLSocket socket;
        private final InputStream in;
        private final OutputStream out;
        private final String host;
        private final Runnable onClose;

        HubConnection(SSLSocket socket, String host, Runnable onClose) throws IOException {
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), 8192);
            this.out = socket.getOutputStream();
            this.host = host;
            this.onClose = onClose;
            socket.setSoTimeout(15_000);
        }

        /** POSTs JSON; answers status and body; an IOException leaves the connection unusable. */
        Answer post(String path, JsonNode body) throws IOException {
            byte[] bytes = JSON.writeValueAsBytes(body);
            String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nContent-Type: application/json\r\n"
                    + "Accept: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            byte[] request = new byte[h.length + bytes.length];
            System.arraycopy(h, 0, request, 0, h.length);
            System.arraycopy(bytes, 0, request, h.length, bytes.length);
            out.write(request);
            out.flush();
            String status = line();
            if (status == null) {
                throw new IOException("the hub closed the connection");
            }
            int code = Integer.parseInt(status.split(" ")[1]);
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String l = line(); l != null && !l.isEmpty(); l = line()) {
                String lower = l.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            byte[] answer;
            if (chunked) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                for (int size = Integer.parseInt(line().trim(), 16); size > 0; size = Integer.parseInt(line().trim(), 16)) {
                    all.write(in.readNBytes(size));
                    line();
                }
                line();
                answer = all.toByteArray();
            } else {
                answer = in.readNBytes((int) Math.max(0, length));
            }
            if (close) {
                close();
            }
            return new Answer(code, answer.length == 0 ? JSON.createObjectNode() : JSON.readTree(answer), close);
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            int c;
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    int n = b.length();
                    return n > 0 && b.charAt(n - 1) == '\r' ? b.substring(0, n - 1) : b.toString();
                }
                b.append((char) c);
            }
            return b.length() == 0 ? null : b.toString();
        }

        @Override
        public void close() {
            onClose.run();
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a broken connection
            }
        }
    }

    record Answer(int status, JsonNode body, boolean closed) {
    }
}
