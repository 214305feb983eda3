package dev.entente.controlplane.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.tls.PinningTrustManager;
import dev.entente.ca.tls.TlsFailures;
import dev.entente.ca.tls.TlsPolicy;
import dev.entente.federation.protocol.FederationJson;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * This hub calling another hub: TLS 1.3, the other hub's certificate pinned by fingerprint (it
 * is self-signed; the pin is the trust), and, once enrolled, our node certificate for that peer
 * as the client certificate. The pin is checked inside the TLS handshake, so on a mismatch not
 * one byte of the request (token, CSR) leaves this hub.
 */
public final class PeerClient {
    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(15);
    private final URI base;
    private final PinningTrustManager trust;
    private final HttpClient http;

    /**
     * @param clientKey  our node key for this peer, or null before enrollment
     * @param clientCert the node certificate the peer's CA issued us, or null
     */
    public PeerClient(String baseUrl, Set<String> pinnedFingerprints, PrivateKey clientKey, X509Certificate clientCert,
                      Duration connectTimeout) {
        this(baseUrl, pinnedFingerprints, clientKey, clientCert, connectTimeout, Clock.systemUTC());
    }

    /** @param clock judges the peer certificate's validity window: the calling hub's clock */
    public PeerClient(String baseUrl, Set<String> pinnedFingerprints, PrivateKey clientKey, X509Certificate clientCert,
                      Duration connectTimeout, Clock clock) {
        this.base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
        this.trust = new PinningTrustManager(pinnedFingerprints, false, clock);
        if ((clientKey == null) != (clientCert == null)) {
            // Never fall back to an anonymous connection when half of the identity is missing.
            throw new EntenteException(ErrorCode.MTLS_CONFIG_PARTIAL, clientKey == null
                    ? "a client certificate without its private key" : "a private key without its client certificate");
        }
        try {
            SSLContext ssl = SSLContext.getInstance("TLSv1.3");
            ssl.init(clientKey == null ? null : keyManagers(clientKey, clientCert), new TrustManager[]{trust}, null);
            SSLParameters params = new SSLParameters();
            params.setProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
            params.setCipherSuites(TlsPolicy.CIPHER_SUITES.toArray(String[]::new));
            this.http = HttpClient.newBuilder().sslContext(ssl).sslParameters(params)
                    .connectTimeout(connectTimeout).version(HttpClient.Version.HTTP_1_1).build();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot set up TLS to " + baseUrl + ": " + e.getMessage(), e);
        }
    }

    private static KeyManager[] keyManagers(PrivateKey key, X509Certificate cert) throws GeneralSecurityException, IOException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("node", key, new char[0], new X509Certificate[]{cert});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        return kmf.getKeyManagers();
    }

    /**
     * POSTs {@code body} (a protocol message, or anything else Jackson writes) as JSON and returns
     * the JSON answer; every failure is an {@link EntenteException} with a code.
     */
    public JsonNode post(String path, Object body) {
        try {
            return send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(FederationJson.mapper().writeValueAsBytes(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** GETs JSON; failures as for {@link #post}. */
    public JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** GETs JSON, giving up after {@code timeout}; failures as for {@link #post}. */
    public JsonNode get(String path, Duration timeout) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET().timeout(timeout));
    }

    /** GETs JSON with extra headers (a grant's bearer token, the caller context). */
    public JsonNode get(String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).GET();
        headers.forEach(b::header);
        return send(b);
    }

    /** PUTs JSON with extra headers. */
    public JsonNode put(String path, Object body, Map<String, String> headers) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(FederationJson.mapper().writeValueAsBytes(body)));
            headers.forEach(b::header);
            return send(b);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = builder.header("Accept", "application/json").build();
            if (request.timeout().isEmpty()) {
                request = HttpRequest.newBuilder(request, (name, value) -> true).timeout(ANSWER_TIMEOUT).build();
            }
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (SSLHandshakeException e) {
            if (trust.presented() != null && String.valueOf(e.getMessage()).contains("pin mismatch")) {
                throw new EntenteException(ErrorCode.HANDSHAKE_FINGERPRINT_MISMATCH, base + " presented certificate "
                        + trust.presented() + ", which is not the pinned one; nothing was sent. If that hub rotated its "
                        + "certificate: for a linked peer, re-pin with 'entente peers repin ID --fingerprint F'; while "
                        + "accepting a token, ask that hub for a new token ('entente peers token ID' there), which pins its "
                        + "current certificate. Otherwise something intercepts TLS",
                        Map.of("presented", trust.presented()));
            }
            throw new EntenteException(ErrorCode.PEER_UNREACHABLE, "TLS handshake with " + base + " failed: " + tlsCause(e));
        } catch (SSLException e) {
            // TLS 1.3 checks our client certificate after the client's handshake is done: a
            // refusal arrives as an alert on the first read, not as a handshake failure.
            throw new EntenteException(ErrorCode.PEER_UNREACHABLE, "TLS with " + base + " failed: " + TlsFailures.describe(e));
        } catch (HttpConnectTimeoutException e) {
            throw new EntenteException(ErrorCode.PEER_UNREACHABLE, "connecting to " + base + " timed out (a firewall dropping packets, or a wrong address)");
        } catch (HttpTimeoutException e) {
            throw new EntenteException(ErrorCode.PEER_UNREACHABLE, base + " accepted the connection but did not answer in time");
        } catch (ConnectException e) {
            throw new EntenteException(ErrorCode.PEER_UNREACHABLE, unresolved(e) ? dnsFailure()
                    : String.valueOf(e.getMessage()).contains("No route") ? "no route to " + base.getHost()
                    + " from this machine: a network or firewall between the hubs drops the way there"
                    : "connection to " + base + " refused: the hub is down or listens elsewhere");
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.PEER_UNREACHABLE, unresolved(e) ? dnsFailure()
                    : "the connection to " + base + " broke off: " + withoutClassNames(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EntenteException(ErrorCode.PEER_UNREACHABLE, "interrupted while calling " + base);
        }
        return answer(base, response.statusCode(), response.body());
    }

    /**
     * What a peer's answer means, whichever connection carried it: its JSON, or the peer's refusal
     * as {@code handshake_rejected} naming its code.
     */
    static JsonNode answer(URI base, int status, byte[] body) {
        JsonNode answer;
        try {
            answer = body.length == 0 ? FederationJson.mapper().createObjectNode() : FederationJson.mapper().readTree(body);
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.HANDSHAKE_REJECTED, base + " answered " + status + " with a body that is not JSON");
        }
        if (status >= 400) {
            String code = answer.path("code").asText("http_" + status);
            throw new EntenteException(ErrorCode.HANDSHAKE_REJECTED, "the hub at " + base + " refused: " + code + ": "
                    + answer.path("detail").asText(""), Map.of("remote_code", code, "remote_status", status));
        }
        return answer;
    }

    /**
     * Why the handshake failed, for the operator of this hub: the peer's certificate outside its
     * validity window (our pin check found it so), or what the JDK or the other side said.
     */
    private String tlsCause(SSLHandshakeException e) {
        String validity = trust.validityProblem();
        if (validity == null) {
            return TlsFailures.describe(e);
        }
        String fix = validity.contains("not yet valid")
                ? "check the clocks of both hubs (NTP): one of them is wrong"
                : "that hub renews it with 'entente tls rotate' (check the clocks too, if it should still be valid)";
        return "the peer's TLS " + validity + "; " + fix;
    }

    private String dnsFailure() {
        return "cannot resolve " + base.getHost() + " (DNS): the name does not exist, or this machine's resolver "
                + "does not know it; check the URL this hub has for the peer";
    }

    private static boolean unresolved(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return true;
            }
        }
        return false;
    }

    /** The JDK's message without the exception class names it sometimes carries. */
    private static String withoutClassNames(Throwable e) {
        String message = e.getMessage() == null ? "no reason given" : e.getMessage();
        return message.replaceAll("\\b(?:java|javax|jdk|sun)\\.[\\w.$]+(?:Exception|Error)\\b:?\\s*", "").trim();
    }
}
