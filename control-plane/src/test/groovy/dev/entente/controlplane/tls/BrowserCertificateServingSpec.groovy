package dev.entente.controlplane.tls

import dev.entente.ca.crypto.Certificates
import dev.entente.ca.crypto.Fingerprints
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification

import javax.net.ssl.SSLSocket
import java.nio.file.Files
import java.security.cert.X509Certificate

/**
 * A hub on its default self-signed Ed25519 certificate answers a client that offers no Ed25519
 * signature scheme (every browser) with the ECDSA P-256 certificate derived from its key, and every
 * client that offers Ed25519 (peers, the CLI, curl) with the Ed25519 certificate they pin, whatever
 * order they list the schemes in. Checked with the real openssl and the JDK's own client.
 */
class BrowserCertificateServingSpec extends Specification {
    @Shared RunningHub hub
    @Shared Map info

    def setupSpec() {
        hub = TestHubs.start(Files.createTempDirectory('entente-browser-cert'))
        info = TestHubs.cli(hub, 'tls', 'info', '--output', 'json').json as Map
    }

    def cleanupSpec() {
        hub?.close()
    }

    def "tls info names both certificates"() {
        expect:
        info.key_type == 'Ed25519'
        info.browser_fingerprint ==~ /[0-9a-f]{64}/
        info.browser_fingerprint != info.fingerprint
        info.browser_spki_sha256.size() == 44
    }

    def "openssl offering #sigalgs is served the #served certificate"() {
        when:
        X509Certificate cert = opensslServed(sigalgs)

        then:
        cert.publicKey.algorithm == algorithm
        Fingerprints.of(cert) == (served == 'Ed25519' ? info.fingerprint : info.browser_fingerprint)

        where:
        sigalgs                                                  || served    | algorithm
        null                                                     || 'Ed25519' | 'EdDSA'
        'ecdsa_secp256r1_sha256:ed25519:rsa_pss_rsae_sha256'     || 'Ed25519' | 'EdDSA'
        'ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256'             || 'ECDSA'   | 'EC'
        'ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384'          || 'ECDSA'   | 'EC'
    }

    def "the JDK's client, which lists ECDSA before Ed25519, gets the Ed25519 certificate peers pin"() {
        given:
        URI uri = URI.create(hub.url())
        def socket = (SSLSocket) HubHttp.trustAll('TLSv1.3').socketFactory.createSocket(uri.host, uri.port)

        when:
        socket.startHandshake()
        def cert = socket.session.peerCertificates[0] as X509Certificate

        then:
        Fingerprints.of(cert) == info.fingerprint

        cleanup:
        socket?.close()
    }

    private X509Certificate opensslServed(String sigalgs) {
        URI uri = URI.create(hub.url())
        List<String> command = ['openssl', 's_client', '-connect', uri.host + ':' + uri.port, '-tls1_3', '-showcerts']
        if (sigalgs != null) {
            command += ['-sigalgs', sigalgs]
        }
        def p = new ProcessBuilder(command).redirectErrorStream(true).start()
        p.outputStream.close()
        String out = p.inputStream.text
        p.waitFor()
        int from = out.indexOf('-----BEGIN CERTIFICATE-----')
        assert from >= 0: out
        int to = out.indexOf('-----END CERTIFICATE-----', from) + '-----END CERTIFICATE-----'.length()
        Certificates.parsePem(out.substring(from, to))[0]
    }
}
