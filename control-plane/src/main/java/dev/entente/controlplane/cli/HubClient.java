package dev.entente.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.controlplane.tls.PinningTrustManager;
import dev.entente.controlplane.tls.TlsPolicy;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** The CLI's client of the admin API: TLS 1.3, the hub's certificate pinned, a bearer token. */
final class HubClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final String token;
    private final PinningTrustManager trust;
    private final HttpClient http;

    HubClient(URI base, String token, Set<String> pinned) {
        this.base = base;
        this.token = token;
        this.trust = new PinningTrustManager(pinned);
        try {
            SSLContext ssl = SSLContext.getInstance("TLSv1.3");
            ssl.init(null, new TrustManager[]{trust}, null);
            SSLParameters params = new SSLParameters();
            params.setProtocols(TlsPolicy.PROTOCOLS.toArray(String[]::new));
            params.setCipherSuites(TlsPolicy.CIPHER_SUITES.toArray(String[]::new));
            this.http = HttpClient.newBuilder().sslContext(ssl).sslParameters(params)
                    .connectTimeout(Duration.ofSeconds(5)).version(HttpClient.Version.HTTP_1_1).build();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("TLS 1.3 unavailable in this JDK", e);
        }
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    JsonNode post(String path, Map<String, Object> body) {
        try {
            return send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode put(String path, Map<String, Object> body) {
        try {
            return send(HttpRequest.newBuilder(base.resolve(path))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    private JsonNode send(HttpRequest.Builder request) {
        request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpResponse<byte[]> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (SSLHandshakeException e) {
            if (trust.presented() != null && String.valueOf(e.getMessage()).contains("pin mismatch")) {
                throw problem(ErrorCode.TLS_PIN_MISMATCH, base + " presented certificate " + trust.presented()
                        + ", which is not the pinned one; if the hub rotated its certificate, run the command on the hub's machine or pass --tls-fingerprint");
            }
            throw problem(ErrorCode.TLS_HANDSHAKE_FAILED, "TLS handshake with " + base + " failed: " + e.getMessage()
                    + "; the hub speaks TLS 1.3 only, and a middlebox that intercepts TLS breaks the pin");
        } catch (HttpConnectTimeoutException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "connecting to " + base + " timed out; check the address and any firewall");
        } catch (HttpTimeoutException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, base + " accepted the connection but did not answer within 30s");
        } catch (ConnectException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "cannot connect to " + base
                    + ": connection refused; is the hub running? start it with 'entente start'");
        } catch (IOException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "cannot reach " + base + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw problem(ErrorCode.HUB_UNREACHABLE, "interrupted");
        }
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + response.statusCode() + " with a body that is not JSON");
        }
        if (response.statusCode() >= 400) {
            if (body.isObject() && body.has("code")) {
                throw new CliException(JSON.convertValue(body, Map.class));
            }
            throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + response.statusCode());
        }
        return body;
    }

    static CliException problem(ErrorCode code, String detail) {
        return new CliException(Problem.of(code, detail).toMap());
    }
}
