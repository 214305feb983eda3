package dev.entente.controlplane.api

import dev.entente.ca.vault.SealedKeyStore
import dev.entente.controlplane.federation.FederationService
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper

import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.SSLParameters
import javax.net.ssl.SSLSocket
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.charset.StandardCharsets
import java.security.KeyStore
import java.security.cert.X509Certificate
import java.time.Duration

/**
 * Issue 11: sends requests a well-behaved client would not (bytes no HTTP client library lets
 * through, an mTLS identity taken from a linked hub) and checks what every answer must be.
 */
class Wire {
    /** What an answer must never contain: a Java class or package, or a framework's conversion message. */
    static final java.util.regex.Pattern IMPLEMENTATION = ~/(?i)\b(java|javax|jdk|sun|io\.micronaut|io\.netty|com\.fasterxml|org\.postgresql|org\.[a-z]+|groovy)\.[a-z]|failed to convert|exception|\$[A-Z]/

    static class Answer {
        int status          // -1: no HTTP answer at all
        String contentType
        String text
        String error

        def getJson() {
            try {
                text ? new JsonSlurper().parseText(text) : null
            } catch (ignored) {
                null
            }
        }

        /** Why this answer breaks the contract for a bad request, or null when it keeps it. */
        String violation() {
            if (status < 0) {
                return "no answer (${error})"
            }
            if (status >= 500) {
                return "status ${status}"
            }
            if (status < 400) {
                return null
            }
            if (text != null && IMPLEMENTATION.matcher(text).find()) {
                return "implementation detail in body: ${text.take(200)}"
            }
            if (!contentType?.startsWith('application/problem+json')) {
                return "content type ${contentType}"
            }
            def j = json
            if (!(j instanceof Map)) {
                return 'body is not a JSON object'
            }
            if (j.status != status) {
                return "problem status ${j.status} != HTTP ${status}"
            }
            if (!j.code || !j.runbook) {
                return 'problem without code or runbook'
            }
            null
        }
    }

    /** Sends with java.net.http; a failure to get any answer is recorded, not thrown. */
    static Answer send(HttpClient client, String method, String url, Map<String, String> headers, byte[] body) {
        def b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body))
        headers.each { k, v -> b.header(k, v) }
        try {
            HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString())
            new Answer(status: r.statusCode(), contentType: r.headers().firstValue('content-type').orElse(null), text: r.body())
        } catch (IOException e) {
            new Answer(status: -1, error: e.toString())
        }
    }

    /**
     * One HTTP/1.1 request written byte for byte over TLS (java.net.http refuses control
     * characters in header values, so this is how a NUL in a header reaches the hub).
     */
    static Answer raw(String baseUrl, String head, byte[] body = new byte[0], SSLContext ssl = HubHttp.trustAll('TLSv1.3')) {
        URI u = URI.create(baseUrl)
        try {
            SSLSocket s = (SSLSocket) ssl.socketFactory.createSocket(u.host, u.port)
            s.soTimeout = 20_000
            s.withCloseable {
                s.outputStream.write(head.getBytes(StandardCharsets.ISO_8859_1))
                s.outputStream.write(body)
                s.outputStream.flush()
                parse(s.inputStream.readAllBytes())
            }
        } catch (IOException e) {
            new Answer(status: -1, error: e.toString())
        }
    }

    private static Answer parse(byte[] bytes) {
        String all = new String(bytes, StandardCharsets.ISO_8859_1)
        int end = all.indexOf('\r\n\r\n')
        if (end < 0) {
            return new Answer(status: -1, error: "no complete response (${bytes.length} bytes)")
        }
        List<String> lines = all.substring(0, end).split('\r\n') as List
        int status = lines[0].split(' ')[1] as int
        Map<String, String> h = lines.drop(1).collectEntries { l -> [(l.substring(0, l.indexOf(':')).toLowerCase()): l.substring(l.indexOf(':') + 1).trim()] }
        String rest = all.substring(end + 4)
        if (h['transfer-encoding'] == 'chunked') {
            StringBuilder out = new StringBuilder()
            int i = 0
            while (true) {
                int nl = rest.indexOf('\r\n', i)
                int size = Integer.parseInt(rest.substring(i, nl).trim(), 16)
                if (size == 0) {
                    break
                }
                out.append(rest, nl + 2, nl + 2 + size)
                i = nl + 2 + size + 2
            }
            rest = out.toString()
        } else if (h['content-length']) {
            rest = rest.substring(0, h['content-length'] as int)
        }
        new Answer(status: status, contentType: h['content-type'], text: new String(rest.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8))
    }

    /** B's mTLS identity for calls to A: the node key and certificate B holds for its peer A. */
    static SSLContext identityOf(RunningHub b) {
        // Any linked state holds the identity: TestHubs.link waits for A's side only, so B may still be
        // enrolled (A's first heartbeat not yet in) or, on a loaded machine, already degraded.
        def peer = b.bean(FederationService).peers().list().find { it.state().value() in ['enrolled', 'active', 'degraded'] && it.clientCertPem() }
        assert peer: 'hub B has no linked peer'
        def key = b.bean(SealedKeyStore).byId(peer.clientKeyId()).get()
        X509Certificate cert = Certificates.parsePem(peer.clientCertPem()).get(0)
        KeyStore ks = KeyStore.getInstance('PKCS12')
        ks.load(null, null)
        ks.setKeyEntry('node', Certificates.privateKey(key.algorithm(), key.secret()), new char[0], [cert] as X509Certificate[])
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.defaultAlgorithm)
        kmf.init(ks, new char[0])
        SSLContext ssl = SSLContext.getInstance('TLSv1.3')
        ssl.init(kmf.keyManagers, trustAllManagers(), null)
        ssl
    }

    static HttpClient client(SSLContext ssl) {
        SSLParameters p = new SSLParameters()
        p.protocols = ['TLSv1.3'] as String[]
        HttpClient.newBuilder().sslContext(ssl).sslParameters(p).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()
    }

    private static javax.net.ssl.TrustManager[] trustAllManagers() {
        [new javax.net.ssl.X509TrustManager() {
            void checkClientTrusted(X509Certificate[] c, String a) {}

            void checkServerTrusted(X509Certificate[] c, String a) {}

            X509Certificate[] getAcceptedIssuers() { new X509Certificate[0] }
        }] as javax.net.ssl.TrustManager[]
    }
}
