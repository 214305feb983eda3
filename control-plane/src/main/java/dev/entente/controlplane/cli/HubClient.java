package dev.entente.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.controlplane.tls.PinningTrustManager;
import dev.entente.controlplane.tls.TlsFailures;
import dev.entente.controlplane.tls.TlsPolicy;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Set;

/** The CLI's client of the admin API: TLS 1.3, the hub's certificate pinned, a bearer token. */
final class HubClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI base;
    private final String token;
    private final PinningTrustManager trust;
    private final HttpClient http;
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

    /**
     * POSTs {@code body}, the route's request record: the API binds the same record, so no field
     * name can differ between the CLI and the hub.
     */
    JsonNode post(String path, Record body) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    /** POSTs to a route that takes no body. */
    JsonNode post(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")));
    }

    /** PUTs {@code body}, the route's request record, as {@link #post(String, Record)} does. */
    JsonNode put(String path, Record body) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(json(body))));
    }

    private static byte[] json(Record body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a request record that does not serialize: " + body.getClass().getSimpleName(), e);
        }
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    /** GETs a route that answers with a redirect; where it points. An error answer is thrown as its problem. */
    URI redirect(String path) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json").GET().build();
        HttpResponse<byte[]> response = exchange(Duration.ofSeconds(30), () -> http.send(request, HttpResponse.BodyHandlers.ofByteArray()));
        if (response.statusCode() >= 300 && response.statusCode() < 400) {
            return response.headers().firstValue("Location").map(URI::create).orElseThrow(() ->
                    problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + response.statusCode() + " without a Location"));
        }
        JsonNode problem;
        try {
            problem = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            problem = JSON.nullNode();
        }
        if (problem.isObject() && problem.has("code")) {
            throw new CliException(problem);
        }
        throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + response.statusCode() + " where it should redirect");
    }

    /**
     * POSTs {@code {}} and streams a successful answer into {@code target} (which must exist);
     * an error answer is thrown as its problem, like every other call.
     */
    void download(String path, java.nio.file.Path target, Duration timeout) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .header("Accept", "application/zip, application/json")
                .header("Authorization", "Bearer " + token)
                .timeout(timeout)
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        HttpResponse<java.io.InputStream> response = exchange(timeout, () -> http.send(request, HttpResponse.BodyHandlers.ofInputStream()));
        try (java.io.InputStream in = response.body()) {
            if (response.statusCode() >= 400) {
                byte[] body = in.readAllBytes();
                JsonNode problem;
                try {
                    problem = JSON.readTree(body);
                } catch (IOException e) {
                    problem = JSON.nullNode();
                }
                if (problem != null && problem.isObject() && problem.has("code")) {
                    throw new CliException(problem);
                }
                throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + response.statusCode());
            }
            // Written into the existing file, never replaced: it keeps the 0600 it was created with.
            try (java.io.OutputStream out = java.nio.file.Files.newOutputStream(target,
                    java.nio.file.StandardOpenOption.WRITE, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
                in.transferTo(out);
            }
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

    private interface Exchange<T> {
        HttpResponse<T> run() throws IOException, InterruptedException;
    }

    private <T> HttpResponse<T> exchange(Duration timeout, Exchange<T> call) {
        try {
            HttpResponse<T> response = call.run();
            warnValidity();
            return response;
        } catch (SSLHandshakeException e) {
            if (trust.presented() != null && String.valueOf(e.getMessage()).contains("pin mismatch")) {
                throw problem(ErrorCode.TLS_PIN_MISMATCH, base + " presented certificate " + trust.presented()
                        + ", which is not the pinned one; if the hub rotated its certificate, run the command on the hub's machine or pass --tls-fingerprint");
            }
            throw problem(ErrorCode.TLS_HANDSHAKE_FAILED, "TLS handshake with " + base + " failed: " + TlsFailures.describe(e)
                    + "; the hub speaks TLS 1.3 only, and a middlebox that intercepts TLS breaks the pin");
        } catch (HttpConnectTimeoutException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "connecting to " + base + " timed out; check the address and any firewall");
        } catch (HttpTimeoutException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, base + " accepted the connection but did not answer within " + timeout.toSeconds() + "s");
        } catch (ConnectException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "cannot connect to " + base
                    + ": connection refused; is the hub running? start it with 'entente start'");
        } catch (IOException e) {
            throw problem(ErrorCode.HUB_UNREACHABLE, "cannot reach " + base + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw problem(ErrorCode.HUB_UNREACHABLE, "interrupted");
        }
    }

    private JsonNode send(HttpRequest.Builder request) {
        request.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        HttpRequest built = request.build();
        HttpResponse<byte[]> response = exchange(Duration.ofSeconds(30), () -> http.send(built, HttpResponse.BodyHandlers.ofByteArray()));
        JsonNode body;
        try {
            body = response.body().length == 0 ? JSON.nullNode() : JSON.readTree(response.body());
        } catch (IOException e) {
            throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + response.statusCode() + " with a body that is not JSON");
        }
        if (response.statusCode() >= 400) {
            if (body.isObject() && body.has("code")) {
                throw new CliException(body);
            }
            throw problem(ErrorCode.INTERNAL_ERROR, "the hub answered " + response.statusCode());
        }
        return body;
    }

    static CliException problem(ErrorCode code, String detail) {
        return new CliException(Problem.of(code, detail));
    }
}
