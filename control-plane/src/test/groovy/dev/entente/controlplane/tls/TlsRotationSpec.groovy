package dev.entente.controlplane.tls

import dev.entente.controlplane.metrics.HubMetrics
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import javax.net.ssl.SSLSocket
import java.security.cert.X509Certificate

/** Issue 3: `entente tls rotate` swaps the served certificate without a restart and keeps the old fingerprint in grace. */
@Stepwise
class TlsRotationSpec extends Specification {
    @Shared RunningHub hub
    @Shared String before

    def setupSpec() {
        // A 3-day certificate: inside the 7-day warning window, so healthz must say so.
        hub = TestHubs.start(java.nio.file.Files.createTempDirectory('entente-tls'), ['entente.tls.cert-validity': '3d'])
        before = served()
    }

    def cleanupSpec() {
        hub?.stop()
    }

    def "healthz warns tls_cert_expiring_soon inside 7 days of expiry, still 200: the hub serves"() {
        when:
        def h = HubHttp.get(hub.url() + '/healthz')

        then:
        h.status == 200
        h.json.status == 'warning'
        h.json.reason == 'tls_cert_expiring_soon'
        h.json.reasons == ['tls_cert_expiring_soon']
    }

    def "rotate serves a new certificate at once and keeps the old fingerprint in grace"() {
        when:
        def r = cli('tls', 'rotate', '--output', 'json')

        then:
        r.code == 0
        r.json.fingerprint != before
        r.json.grace_fingerprints == [before]
        served() == r.json.fingerprint
        hub.bean(HubMetrics).scrape().contains('entente_tls_cert_expiry_timestamp_seconds')
    }

    def "the CLI re-pins from the data dir, and tls info lists both fingerprints"() {
        when:
        def info = cli('tls', 'info', '--output', 'json')
        def local = new JsonSlurper().parse(hub.settings().dataDir().resolve('hub.json').toFile())

        then:
        info.code == 0
        info.json.fingerprint == served()
        info.json.grace_fingerprints == [before]
        local.tls_fingerprint == served()
        local.grace_fingerprints == [before]
    }

    def "the rotation is audited"() {
        when:
        def r = cli('audit', 'ls', '--type', 'tls.rotated', '--output', 'json')

        then:
        r.json.size() == 1
        r.json[0].details.previous_fingerprint == before
    }

    def "rotating again retires the key that was in grace"() {
        given:
        def second = served()

        when:
        def r = cli('tls', 'rotate', '--output', 'json')

        then:
        r.json.grace_fingerprints == [second]
        !(before in r.json.grace_fingerprints)
    }

    private String served() {
        SSLSocket s = (SSLSocket) HubHttp.trustAll('TLSv1.3').socketFactory.createSocket('127.0.0.1', hub.port())
        try {
            s.startHandshake()
            Certificates.fingerprint((X509Certificate) s.session.peerCertificates[0])
        } finally {
            s.close()
        }
    }

    private Map cli(String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(((args as List) + ['--data-dir', hub.settings().dataDir().toString()]) as String[],
                [:], new PrintWriter(out), new PrintWriter(err))
        [code: code, json: out.toString().trim() ? new JsonSlurper().parseText(out.toString()) : null, err: err.toString()]
    }
}
