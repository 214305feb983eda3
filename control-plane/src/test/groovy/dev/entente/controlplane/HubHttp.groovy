package dev.entente.controlplane

import groovy.json.JsonSlurper

import javax.net.ssl.SSLContext
import javax.net.ssl.SSLParameters
import javax.net.ssl.TrustManager
import javax.net.ssl.X509TrustManager
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.security.cert.X509Certificate
import java.time.Duration

/** A test client of a hub: TLS 1.3, any certificate (the CLI specs cover pinning). */
class HubHttp {
    static final HttpClient CLIENT = client()

    static class Answer {
        int status
        String contentType
        String text

        def getJson() {
            text ? new JsonSlurper().parseText(text) : null
        }
    }

    static Answer get(String url, String token = null) {
        send(HttpRequest.newBuilder(URI.create(url)).GET(), token)
    }

    static Answer post(String url, String body, String token = null) {
        send(HttpRequest.newBuilder(URI.create(url)).header('Content-Type', 'application/json')
                .POST(HttpRequest.BodyPublishers.ofString(body)), token)
    }

    static Answer send(HttpRequest.Builder b, String token) {
        b.timeout(Duration.ofSeconds(20))
        if (token != null) {
            b.header('Authorization', 'Bearer ' + token)
        }
        HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString())
        new Answer(status: r.statusCode(), contentType: r.headers().firstValue('content-type').orElse(null), text: r.body())
    }

    static SSLContext trustAll(String protocol) {
        SSLContext ssl = SSLContext.getInstance(protocol)
        ssl.init(null, [new X509TrustManager() {
            void checkClientTrusted(X509Certificate[] c, String a) {}

            void checkServerTrusted(X509Certificate[] c, String a) {}

            X509Certificate[] getAcceptedIssuers() { new X509Certificate[0] }
        }] as TrustManager[], null)
        ssl
    }

    private static HttpClient client() {
        SSLParameters p = new SSLParameters()
        p.protocols = ['TLSv1.3'] as String[]
        HttpClient.newBuilder().sslContext(trustAll('TLSv1.3')).sslParameters(p)
                .connectTimeout(Duration.ofSeconds(5)).build()
    }
}
