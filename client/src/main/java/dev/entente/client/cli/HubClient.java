package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.ca.tls.PinningTrustManager;
import dev.entente.ca.tls.TlsFailures;
import dev.entente.ca.tls.TlsPolicy;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;

/**
 * The CLI's client of the admin API: TLS 1.3, the hub's certificate pinned, a bearer token.
 *
 * <p>On {@link HttpsURLConnection}, not {@code java.net.http}: that client parks a selector thread
 * in {@code epoll_wait}, and JDK 17's exit waits up to 300 ms for threads in native code to stop,
 * which was 40% of a one-request command's wall time.
 */
final class HubClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);
    private final URI base;
    private final String token;
    private final PinningTrustManager trust;
    private final SSLSocketFactory sockets;
    private final PrintWriter warnings;
    private boolean warned;

    /** @param warnings where the CLI says that the pinned certificate it accepted is expired or not yet valid */
    HubClient(URI base, String token, Set<String> pinned, PrintWriter warnings) {
        this.base = base;
        this.token = token;
        this.warnings = warnings;
        // The pin is the operator's own (data dir or --tls-fingerprint): an expired certificate
        // must not lock out the CLI that has come to rotate it.
        this.trust = new PinningTrustManager(pinned, true);
        try {
            SSLContext ssl = SSLContext.getInstance("TLSv1.3");
            ssl.init(null, new TrustManager[]{trust}, null);
            this.sockets = new PolicySockets(ssl.getSocketFactory());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS 1.3 unavailable in this JDK", e);
        }
    }

    JsonNode get(String path) {
        return send("GET", path, null);
    }

    /**
     * POSTs {@code body}, the route's request record: the API binds the same record, so no field
     * name can differ between the CLI and the hub.
     */
    JsonNode post(String path, Record body) {
        return send("POST", path, json(body));
    }

    /** POSTs to a route that takes no body. */
    JsonNode post(String path) {
        return send("POST", path, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** PUTs {@code body}, the route's request record, as {@link #post(String, Record)} does. */
    JsonNode put(String path, Record body) {
        return send("PUT", path, json(body));
    }

    private static byte[] json(Record body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a request record that does not serialize: " + body.getClass().getSimpleName(), e);
        }
    }

    JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** GETs a route that answers with a redirect; where it points. An error answer is thrown as its problem. */
    URI redirect(String path) {
        HttpURLConnection c = open("GET", path, "application/json", false, ANSWER_TIMEOUT);
        int status = exchange(c, null, ANSWER_TIMEOUT);
        if (status >= 300 && status < 400) {
            String location = c.getHeaderField("Location");
            if (location == null) {
                throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + status + " without a Location");
            }
            return URI.create(location);
        }
        JsonNode problem = parsedOrNull(read(c, status, ANSWER_TIMEOUT));
        if (problem.isObject() && problem.has("code")) {
            throw new CliException(problem);
        }
        throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + status + " where it should redirect");
    }

    /**
     * POSTs {@code {}} and streams a successful answer into {@code target} (which must exist);
     * an error answer is thrown as its problem, like every other call.
     */
    void download(String path, Path target, Duration timeout) {
        HttpURLConnection c = open("POST", path, "application/zip, application/json", true, timeout);
        int status = exchange(c, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8), timeout);
        if (status >= 400) {
            JsonNode problem = parsedOrNull(read(c, status, timeout));
            if (problem.isObject() && problem.has("code")) {
                throw new CliException(problem);
            }
            throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + status);
        }
        // Written into the existing file, never replaced: it keeps the 0600 it was created with.
        try (InputStream in = c.getInputStream();
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            in.transferTo(out);
        } catch (IOException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "the download from " + base + " broke off: " + e.getMessage());
        }
    }

    private void warnValidity() {
        String problem = trust.validityProblem();
        if (problem != null && !warned && warnings != null) {
            warned = true;
            warnings.println("warning: the hub's TLS " + problem + ". Peers refuse it: renew it with 'entente tls rotate' "
                    + "(or correct the clock), see runbooks/tls-and-pinning.md");
            warnings.flush();
        }
    }

    private HttpURLConnection open(String method, String path, String accept, boolean authorized, Duration timeout) {
        try {
            HttpURLConnection c = (HttpURLConnection) base.resolve(path).toURL().openConnection();
            if (c instanceof HttpsURLConnection https) {
                https.setSSLSocketFactory(sockets);
                // The pin stands in for the host name: PinningTrustManager, an extended trust
                // manager, already decided, and a hub is often reached by an address its
                // certificate does not name.
                https.setHostnameVerifier((host, session) -> true);
            }
            c.setRequestMethod(method);
            c.setInstanceFollowRedirects(false);
            c.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
            c.setReadTimeout((int) timeout.toMillis());
            c.setRequestProperty("Accept", accept);
            if (authorized && token != null) {
                c.setRequestProperty("Authorization", "Bearer " + token);
            }
            return c;
        } catch (IOException | IllegalArgumentException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "cannot reach " + base + ": " + e.getMessage());
        }
    }

    /** Connects, sends {@code body} when there is one, and returns the status. */
    private int exchange(HttpURLConnection c, byte[] body, Duration timeout) {
        if (body != null) {
            // Buffered, not fixed-length streaming: in streaming mode a 401 (a refused grant the hub
            // relays) drops the connection before its problem body can be read.
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
        }
        try {
            try {
                c.connect();
            } catch (SocketTimeoutException e) {
                throw problem(ErrorCode.HUB_UNREACHABLE, "connecting to " + base + " timed out; check the address and any firewall");
            }
            if (body != null) {
                try (OutputStream out = c.getOutputStream()) {
                    out.write(body);
                }
            }
            int status = c.getResponseCode();
            warnValidity();
            return status;
        } catch (SSLHandshakeException e) {
            if (trust.presented() != null && String.valueOf(e.getMessage()).contains("pin mismatch")) {
                throw problem(ErrorCode.TLS_PIN_MISMATCH, base + " presented certificate " + trust.presented()
                        + ", which is not the pinned one; if the hub rotated its certificate, run the command on the hub's machine or pass --tls-fingerprint");
            }
            throw problem(ErrorCode.TLS_HANDSHAKE_FAILED, "TLS handshake with " + base + " failed: " + TlsFailures.describe(e)
                    + "; the hub speaks TLS 1.3 only, and a middlebox that intercepts TLS breaks the pin");
        } catch (SocketTimeoutException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, base + " accepted the connection but did not answer within " + timeout.toSeconds() + "s");
        } catch (ConnectException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "cannot connect to " + base
                    + ": connection refused; is the hub running? start it with 'entente start'");
        } catch (IOException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "cannot reach " + base + ": " + e.getMessage());
        }
    }

    /** The answer's body, error or not; empty when there is none. */
    private byte[] read(HttpURLConnection c, int status, Duration timeout) {
        try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
            return in == null ? new byte[0] : in.readAllBytes();
        } catch (SocketTimeoutException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, base + " accepted the connection but did not answer within " + timeout.toSeconds() + "s");
        } catch (IOException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "cannot reach " + base + ": " + e.getMessage());
        }
    }

    private static JsonNode parsedOrNull(byte[] body) {
        try {
            return body.length == 0 ? JSON.nullNode() : JSON.readTree(body);
        } catch (IOException e) {
            return JSON.nullNode();
        }
    }

    private JsonNode send(String method, String path, byte[] body) {
        HttpURLConnection c = open(method, path, "application/json", true, ANSWER_TIMEOUT);
        int status = exchange(c, body, ANSWER_TIMEOUT);
        byte[] answer = read(c, status, ANSWER_TIMEOUT);
        JsonNode parsed;
        try {
            parsed = answer.length == 0 ? JSON.nullNode() : JSON.readTree(answer);
        } catch (IOException e) {
            throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + status + " with a body that is not JSON");
        }
        if (status >= 400) {
            if (parsed.isObject() && parsed.has("code")) {
                throw new CliException(parsed);
            }
            throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + status);
        }
        return parsed;
    }

    static CliException problem(ErrorCode code, String detail) {
        return new CliException(Problem.of(code, detail));
    }

    /** Sockets with the hub's TLS policy (TLS 1.3, its cipher suites) whatever the JDK's defaults. */
    private static final class PolicySockets extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        PolicySockets(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private Socket policy(Socket socket) {
            SSLSocket s = (SSLSocket) socket;
            s.setEnabledProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
            s.setEnabledCipherSuites(TlsPolicy.CIPHER_SUITES.toArray(String[]::new));
            return s;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return TlsPolicy.CIPHER_SUITES.toArray(String[]::new);
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return policy(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket() throws IOException {
            return policy(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return policy(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return policy(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return policy(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
            return policy(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
