package dev.entente.controlplane.tls

import dev.entente.ca.tls.TlsModes
import dev.entente.ca.tls.TlsState
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.error.EntenteException
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 17, custom TLS mode: hub A serves certificates an organisation's CA issued (made here by
 * the real openssl CLI: Ed25519, then ECDSA P-256, then RSA), linked with hub B. Swapping A's files
 * (on SIGHUP, then by the file watch alone) announces the new certificate to B over heartbeats and
 * serves it once B pinned it: no heartbeat fails, B stays active, the CLI still reaches A.
 */
@Stepwise
class TlsCustomModeSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '10s',
                             'entente.sweep.interval': '2s']
    @Shared Path pki
    @Shared Path certFile
    @Shared Path keyFile
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String peerBonA
    @Shared String peerAonB
    @Shared String first
    @Shared String second

    def setupSpec() {
        pki = Files.createTempDirectory('entente-custom-pki')
        openssl('req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '90',
                '-subj', '/O=Spec Org/CN=Spec Org CA')
        // 20 days: inside doctor's 30-day window, so DR026 has something to say about it
        leaf('ed25519', ['-algorithm', 'ed25519'], 'hub-a', 20)
        leaf('p256', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'hub-a', 60)
        leaf('rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'], 'hub-a', 60)
        leaf('other-name', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'], 'somewhere-else', 60)
        certFile = pki.resolve('live.crt')
        keyFile = pki.resolve('live.key')
        install('ed25519')
        a = TestHubs.start(Files.createTempDirectory('entente-custom-a'), FAST + ['entente.hub.name': 'hub-a',
                'entente.tls.mode': 'custom', 'entente.tls.cert-file': certFile.toString(),
                'entente.tls.key-file': keyFile.toString(), 'entente.tls.watch-interval': '3s'])
        b = TestHubs.start(Files.createTempDirectory('entente-custom-b'), FAST + ['entente.hub.name': 'hub-b'])
    }

    def cleanupSpec() {
        a?.stop()
        b?.stop()
    }

    def "A serves the file's certificate from its first handshake, and tls info names the mode and the key's file"() {
        when:
        first = fingerprint('ed25519')
        def info = cli(a, 'tls', 'info', '--output', 'json').json

        then:
        a.bean(TlsState).current().fingerprint() == first
        a.bean(TlsState).current().chain().size() == 2
        info.fingerprint == first
        info.mode == 'custom'
        info.key_type == 'Ed25519'
        info.key_location.contains(keyFile.toString())
        info.issuer.contains('CN=Spec Org CA')
    }

    def "A links with B; doctor says the certificate runs out within 30 days with nothing newer in the file (DR026)"() {
        when:
        peerBonA = TestHubs.link(a, b, 'hub-b')
        peerAonB = cli(b, 'peers', 'list', '--output', 'json').json.find { it.name != null }.id
        eventually(20) { peer(b, peerAonB).state == 'active' }
        def dr026 = cli(a, 'doctor', '--output', 'json').json.findings.find { it.code == 'DR026' }

        then:
        peer(b, peerAonB).tls_fingerprints.contains(first)
        dr026.severity == 'warning'
        dr026.diagnosis.contains('still holds it')
        cli(a, 'doctor', '--explain', 'DR026').out.contains('kill -HUP')
    }

    def "DR003 in custom mode names the files and SIGHUP, not tls rotate, and the runbook's Confirm commands show them"() {
        when:
        def dr003 = cli(a, 'doctor', '--output', 'json').json.findings.find { it.code == 'DR003' }

        then:
        dr003.severity == 'warning'
        dr003.next_command == 'entente tls info'
        dr003.diagnosis.contains("entente.tls.cert-file (${certFile})")
        dr003.diagnosis.contains("entente.tls.key-file (${keyFile})")
        dr003.diagnosis.contains('kill -HUP ' + ProcessHandle.current().pid())
        !dr003.diagnosis.contains('tls rotate')
        Dr003Runbook.confirm(a).contains("entente.tls.cert-file (${certFile})")
        cli(a, 'doctor', '--explain', 'DR003').out.contains('kill -HUP')
    }

    def "new ECDSA files and SIGHUP: A announces the certificate, B pins it, then A serves it"() {
        given:
        second = fingerprint('p256')

        when:
        install('p256')
        new ProcessBuilder('kill', '-HUP', String.valueOf(ProcessHandle.current().pid())).inheritIO().start().waitFor()

        then:
        eventually(20) { peer(b, peerAonB).tls_fingerprints.contains(second) }
        // the signal, not the 3-second file watch, read the new files
        a.bean(TlsModes).files().trigger() == 'SIGHUP'
        eventually(30) { a.bean(TlsState).current().fingerprint() == second }
        a.bean(TlsState).graceFingerprints() == [first]
        cli(a, 'tls', 'info', '--output', 'json').json.key_type == 'ECDSA P-256'
    }

    def "no heartbeat failed, B stays active, the CLI reaches A, and DR026 is gone"() {
        given:
        def received = peer(a, peerBonA).heartbeats_received

        expect:
        eventually(20) { peer(a, peerBonA).heartbeats_received > received + 2 }
        peer(a, peerBonA).heartbeats_failed == 0
        peer(b, peerAonB).heartbeats_failed == 0
        peer(b, peerAonB).state == 'active'
        cli(a, 'status').code == 0
        cli(a, 'events', '--type', 'heartbeat.delivery_failed', '--output', 'json').json == []
        cli(b, 'events', '--type', 'heartbeat.delivery_failed', '--output', 'json').json == []
        !cli(a, 'doctor', '--output', 'json').json.findings*.code.contains('DR026')
        def rotated = cli(a, 'events', '--type', 'tls.rotated', '--output', 'json').json.find { it.subject == second }
        rotated.details.mode == 'custom'
        rotated.details.previous_fingerprint == first
    }

    def "a pair the hub cannot serve is refused while running: A keeps serving what it served"() {
        when:
        install('other-name')
        sleep(3000)

        then:
        a.bean(TlsState).current().fingerprint() == second
        a.bean(TlsState).nextFingerprints() == []
        cli(a, 'status').code == 0
    }

    def "new RSA files without a signal: the file watch finds them, and B follows again"() {
        given:
        def third = fingerprint('rsa')

        when:
        install('rsa')

        then:
        eventually(30) { a.bean(TlsState).current().fingerprint() == third }
        eventually(20) { peer(b, peerAonB).tls_fingerprints.contains(third) }
        peer(b, peerAonB).state == 'active'
        peer(a, peerBonA).heartbeats_failed == 0
        peer(b, peerAonB).heartbeats_failed == 0
        cli(a, 'tls', 'info', '--output', 'json').json.key_type == 'RSA 2048'
    }

    def "tls rotate would make a self-signed certificate: refused, naming what to do instead"() {
        when:
        def r = TestHubs.cliAs(a, null, 'tls', 'rotate')

        then:
        r.code != 0
        r.problem.code == 'invalid_request'
        r.problem.detail.contains('SIGHUP')
        a.bean(TlsState).current().fingerprint() == fingerprint('rsa')
    }

    def "files the hub cannot serve stop the start, naming the setting: #problem"() {
        when:
        TestHubs.start(Files.createTempDirectory('entente-custom-bad'), settings.call())

        then:
        def e = thrown(EntenteException)
        e.code().code() == code
        e.detail().contains(names)

        where:
        problem                     | settings                                                                              | code                       | names
        'custom without files'      | { ['entente.tls.mode': 'custom'] }                                                    | 'invalid_request'          | 'entente.tls.cert-file'
        'a mode nobody knows'       | { ['entente.tls.mode': 'letsencrypt'] }                                               | 'invalid_request'          | 'entente.tls.mode'
        'files for another mode'    | { ['entente.tls.cert-file': pem('p256')] }                                            | 'invalid_request'          | 'entente.tls.cert-file'
        'a key of another cert'     | { custom(pem('p256'), key('rsa'), 'hub-a') }                                          | 'tls_certificate_unusable' | 'entente.tls.key-file'
        'no file there'             | { custom(pki.resolve('missing.crt').toString(), key('rsa'), 'hub-a') }                | 'tls_certificate_unusable' | 'no such file'
        'a cert without the name'   | { custom(pem('p256'), key('p256'), 'hub-z') }                                         | 'tls_certificate_unusable' | 'hub-z'
        'an encrypted key'          | { custom(pem('p256'), encrypted('p256'), 'hub-a') }                                   | 'tls_certificate_unusable' | 'encrypted'
        'an ECDSA key on P-384'     | { custom(pem('p384'), key('p384'), 'hub-a') }                                         | 'tls_certificate_unusable' | 'P-256'
    }

    Map custom(String cert, String key, String name) {
        ['entente.hub.name': name, 'entente.tls.mode': 'custom', 'entente.tls.cert-file': cert, 'entente.tls.key-file': key]
    }

    String pem(String name) {
        if (name == 'p384' && !Files.exists(pki.resolve('p384.chain.pem'))) {
            leaf('p384', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'], 'hub-a', 60)
        }
        pki.resolve(name + '.chain.pem').toString()
    }

    String key(String name) {
        pem(name)
        pki.resolve(name + '.key').toString()
    }

    String encrypted(String name) {
        openssl('pkey', '-in', name + '.key', '-aes256', '-passout', 'pass:secret', '-out', name + '.enc.key')
        pki.resolve(name + '.enc.key').toString()
    }

    /** A key of {@code algorithm}, a CSR for {@code cn}, and the CA's certificate for it with the chain after it. */
    void leaf(String name, List<String> algorithm, String cn, int days) {
        openssl(['genpkey'] + algorithm + ['-out', name + '.key'])
        openssl('req', '-new', '-key', name + '.key', '-subj', '/CN=' + cn, '-out', name + '.csr')
        pki.resolve(name + '.ext').text = "subjectAltName=DNS:${cn},IP:127.0.0.1\n"
        openssl('x509', '-req', '-in', name + '.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
                '-days', String.valueOf(days), '-extfile', name + '.ext', '-out', name + '.crt')
        pki.resolve(name + '.chain.pem').text = pki.resolve(name + '.crt').text + pki.resolve('ca.crt').text
    }

    /** Replaces the live files the way deployment tools do: write aside, then rename over. */
    private void install(String name) {
        Files.copy(pki.resolve(name + '.key'), pki.resolve('live.key.new'), StandardCopyOption.REPLACE_EXISTING)
        Files.copy(pki.resolve(name + '.chain.pem'), pki.resolve('live.crt.new'), StandardCopyOption.REPLACE_EXISTING)
        Files.move(pki.resolve('live.key.new'), keyFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
        Files.move(pki.resolve('live.crt.new'), certFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING)
    }

    private String fingerprint(String name) {
        Certificates.fingerprint(Certificates.parsePem(pki.resolve(name + '.crt').text)[0])
    }

    void openssl(String... args) {
        openssl(args as List)
    }

    void openssl(List<String> args) {
        def p = new ProcessBuilder(['openssl'] + args).directory(pki.toFile()).redirectErrorStream(true).start()
        def out = p.inputStream.text
        assert p.waitFor() == 0: "openssl ${args.join(' ')}: ${out}"
    }

    private static Map peer(RunningHub hub, String id) {
        def r = HubHttp.get(hub.url() + '/api/v1/peers/' + id, TestHubs.adminToken(hub))
        assert r.status == 200: r.text
        r.json
    }
}
