package dev.entente.controlplane.tls

import dev.entente.ca.tls.TlsModes
import dev.entente.ca.tls.TlsState
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.security.KeyStore
import java.security.cert.CertPathValidator
import java.security.cert.CertificateFactory
import java.security.cert.PKIXParameters
import java.security.cert.TrustAnchor
import java.security.cert.X509Certificate
import java.util.concurrent.TimeUnit

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 17, ACME TLS mode against pebble, the ACME test CA, with real validation: pebble
 * validates TLS-ALPN-01 on the hub's own port. Hub A orders its certificate (replacing the
 * self-signed one it started with), serves the chain pebble issued, and renews it at two thirds of
 * its 60-second lifetime. Hub B, whose port pebble does not validate on, fails its order and
 * doctor shows pebble's problem document (DR027).
 */
@Stepwise
class TlsAcmeModeSpec extends Specification {
    static final int VALIDITY_SECONDS = 60
    @Shared Path pki
    @Shared Process pebble
    @Shared int acmePort
    @Shared int managementPort
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String selfSigned
    @Shared String issued

    def setupSpec() {
        pki = Files.createTempDirectory('entente-acme-pki')
        int hubPort = freePort()
        acmePort = freePort()
        managementPort = freePort()
        // pebble's own HTTPS certificate, under a CA the hub is told to trust (entente.tls.acme.trust-file)
        openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key',
                '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Spec ACME server CA')
        openssl('req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'pebble.key',
                '-subj', '/CN=localhost', '-out', 'pebble.csr')
        pki.resolve('pebble.ext').text = 'subjectAltName=DNS:localhost,IP:127.0.0.1\n'
        openssl('x509', '-req', '-in', 'pebble.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
                '-extfile', 'pebble.ext', '-out', 'pebble.crt')
        pki.resolve('pebble.json').text = JsonOutput.toJson([pebble: [
                listenAddress            : "127.0.0.1:${acmePort}".toString(),
                managementListenAddress  : "127.0.0.1:${managementPort}".toString(),
                certificate              : pki.resolve('pebble.crt').toString(),
                privateKey               : pki.resolve('pebble.key').toString(),
                httpPort                 : hubPort,
                tlsPort                  : hubPort,
                ocspResponderURL         : '',
                externalAccountBindingRequired: false,
                certificateValidityPeriod: VALIDITY_SECONDS]])
        def pb = new ProcessBuilder('pebble', '-config', pki.resolve('pebble.json').toString())
                .redirectErrorStream(true).redirectOutput(pki.resolve('pebble.log').toFile())
        // no random sleeps before validating, no rejected nonces, and a fresh validation for every order
        pb.environment().putAll([PEBBLE_VA_NOSLEEP: '1', PEBBLE_WFE_NONCEREJECT: '0', PEBBLE_AUTHZREUSE: '0'])
        pebble = pb.start()
        eventually(20) { get("https://127.0.0.1:${acmePort}/dir").statusCode() == 200 }
        a = TestHubs.start(Files.createTempDirectory('entente-acme-a'), acme(hubPort))
        selfSigned = a.bean(TlsState).current().fingerprint()
    }

    def cleanupSpec() {
        a?.stop()
        b?.stop()
        pebble?.destroy()
        pebble?.waitFor(10, TimeUnit.SECONDS)
    }

    def "A orders its certificate from pebble, which validates it by TLS-ALPN-01 on A's port, and serves it"() {
        when:
        eventually(60) { a.bean(TlsState).current().fingerprint() != selfSigned }
        def served = a.bean(TlsState).current()
        issued = served.fingerprint()
        def info = cli(a, 'tls', 'info', '--output', 'json').json

        then:
        info.mode == 'acme'
        info.fingerprint == issued
        info.key_type == 'ECDSA P-256'
        info.key_location.contains('https://127.0.0.1:' + acmePort)
        !info.issuer.contains('localhost')
        Certificates.subjectAltNames(served.certificate()) == ['localhost']
        validates(served.chain(), root())
        cli(a, 'status').code == 0
        a.bean(TlsModes).acme().failureType() == null
    }

    def "at two thirds of its lifetime A orders the next certificate and serves it"() {
        when:
        eventually(VALIDITY_SECONDS + 30) { a.bean(TlsState).current().fingerprint() != issued }
        def renewed = a.bean(TlsState).current()

        then:
        validates(renewed.chain(), root())
        a.bean(TlsState).graceFingerprints().contains(issued)
        def events = cli(a, 'events', '--type', 'tls.rotated', '--output', 'json').json
        events.find { it.subject == issued }.details.mode == 'acme'
        events.find { it.subject == renewed.fingerprint() }.details.previous_fingerprint == issued
        !cli(a, 'doctor', '--output', 'json').json.findings*.code.contains('DR027')
    }

    def "DR003 on A's one-minute certificate says the ACME CA renews it at two thirds, not tls rotate; the runbook's Confirm shows it"() {
        when:
        def dr003 = cli(a, 'doctor', '--output', 'json').json.findings.find { it.code == 'DR003' }

        then:
        dr003.next_command == 'entente tls info'
        dr003.diagnosis.contains('https://127.0.0.1:' + acmePort)
        dr003.diagnosis.contains('two thirds')
        dr003.diagnosis.contains('no order has failed')
        !dr003.diagnosis.contains('tls rotate')
        Dr003Runbook.confirm(a).contains('two thirds')
    }

    def "B, which pebble cannot validate, keeps its certificate and doctor shows pebble's problem document"() {
        when:
        // a 10-day self-signed certificate to start from: DR003 has something to say about it too
        b = TestHubs.start(Files.createTempDirectory('entente-acme-b'), acme(0) + ['entente.tls.cert-validity': '10d'])
        def own = b.bean(TlsState).current().fingerprint()
        eventually(60) { b.bean(TlsModes).acme()?.failureType() != null }
        def finding = cli(b, 'doctor', '--output', 'json').json.findings.find { it.code == 'DR027' }

        then:
        b.bean(TlsState).current().fingerprint() == own
        finding.severity == 'error'
        finding.diagnosis.contains('urn:ietf:params:acme:error:')
        finding.subject.startsWith('urn:ietf:params:acme:error:')
        cli(b, 'doctor', '--explain', 'DR027').out.contains('TLS-ALPN-01')
    }

    def "DR003 on B repeats the failed order and points at DR027, not tls rotate"() {
        when:
        def dr003 = cli(b, 'doctor', '--output', 'json').json.findings.find { it.code == 'DR003' }

        then:
        dr003.severity == 'warning'
        dr003.next_command == 'entente doctor --explain DR027'
        dr003.diagnosis.contains('two thirds')
        dr003.diagnosis.contains('urn:ietf:params:acme:error:')
        !dr003.diagnosis.contains('tls rotate')
        Dr003Runbook.confirm(b).contains('urn:ietf:params:acme:error:')
    }

    private Map acme(int port) {
        ['entente.hub.name'                 : 'localhost', 'entente.hub.port': port,
         'entente.tls.mode'                 : 'acme',
         'entente.tls.acme.directory-url'   : "https://127.0.0.1:${acmePort}/dir".toString(),
         'entente.tls.acme.trust-file'      : pki.resolve('ca.crt').toString(),
         'entente.tls.acme.timeout'         : '30s', 'entente.tls.acme.retry': '5s',
         'entente.tls.watch-interval'       : '1s',
         'entente.heartbeat.interval'       : '1s', 'entente.sweep.interval': '2s']
    }

    /** pebble's root of this run (it makes a new one at every start), from its management API. */
    private X509Certificate root() {
        Certificates.parsePem(get("https://127.0.0.1:${managementPort}/roots/0").body())[0]
    }

    private static boolean validates(List<X509Certificate> chain, X509Certificate root) {
        def path = CertificateFactory.getInstance('X.509').generateCertPath(chain)
        def params = new PKIXParameters([new TrustAnchor(root, null)] as Set)
        params.revocationEnabled = false
        CertPathValidator.getInstance('PKIX').validate(path, params)
        true
    }

    private HttpResponse<String> get(String url) {
        KeyStore store = KeyStore.getInstance('PKCS12')
        store.load(null, null)
        store.setCertificateEntry('ca', Certificates.parsePem(pki.resolve('ca.crt').text)[0])
        def tmf = TrustManagerFactory.getInstance(TrustManagerFactory.defaultAlgorithm)
        tmf.init(store)
        def ctx = SSLContext.getInstance('TLS')
        ctx.init(null, tmf.trustManagers, null)
        HttpClient.newBuilder().sslContext(ctx).build()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
    }

    private void openssl(String... args) {
        def p = new ProcessBuilder(['openssl'] + (args as List)).directory(pki.toFile()).redirectErrorStream(true).start()
        def out = p.inputStream.text
        assert p.waitFor() == 0: "openssl ${args.join(' ')}: ${out}"
    }

    private static int freePort() {
        new ServerSocket(0, 1, InetAddress.getByName('127.0.0.1')).withCloseable { it.localPort }
    }
}
