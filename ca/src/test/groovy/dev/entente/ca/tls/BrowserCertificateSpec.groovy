package dev.entente.ca.tls

import dev.entente.ca.crypto.Certificates
import spock.lang.Specification

import java.nio.file.Files
import java.security.Signature
import java.security.interfaces.ECPublicKey
import java.time.Duration
import java.time.Instant

/**
 * Browsers implement no Ed25519 in TLS: a hub whose certificate is Ed25519 serves them an ECDSA
 * P-256 certificate derived from its key, the same on every replica and after every restart.
 */
class BrowserCertificateSpec extends Specification {
    static final BigInteger P256_ORDER = new BigInteger('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 16)

    def hub = Certificates.ed25519()
    def served = Certificates.selfSigned(hub, 'hub-a', ['hub-a.example', '127.0.0.1'] as Set, Instant.parse('2026-11-28T00:00:00Z'),
            Duration.ofDays(30))

    def "an ECDSA P-256 certificate for the same names and validity, self-signed, whose key is its own"() {
        when:
        def browser = BrowserCertificate.derive(hub.private, served)
        def cert = browser.certificate()

        then:
        cert.publicKey instanceof ECPublicKey
        (cert.publicKey as ECPublicKey).params.order == P256_ORDER
        cert.sigAlgName == 'SHA256withECDSA'
        cert.subjectX500Principal == served.subjectX500Principal
        cert.issuerX500Principal == served.subjectX500Principal
        cert.subjectAlternativeNames as List == served.subjectAlternativeNames as List
        cert.notBefore == served.notBefore
        cert.notAfter == served.notAfter
        cert.basicConstraints == -1
        cert.extendedKeyUsage == ['1.3.6.1.5.5.7.3.1']
        cert.verify(cert.publicKey) == null

        and: 'the derived private key signs for that public key'
        def signer = Signature.getInstance('SHA256withECDSA')
        signer.initSign(browser.key())
        signer.update('hello'.bytes)
        def verifier = Signature.getInstance('SHA256withECDSA')
        verifier.initVerify(cert.publicKey)
        verifier.update('hello'.bytes)
        verifier.verify(signer.sign())
    }

    def "the same hub key gives the same bytes every time (replicas, restarts), another key another certificate"() {
        expect:
        BrowserCertificate.derive(hub.private, served).certificate().encoded == BrowserCertificate.derive(hub.private, served).certificate().encoded
        BrowserCertificate.derive(hub.private, served).key().encoded == BrowserCertificate.derive(hub.private, served).key().encoded
        def other = Certificates.ed25519()
        BrowserCertificate.derive(other.private, served).certificate().publicKey != BrowserCertificate.derive(hub.private, served).certificate().publicKey
    }

    def "openssl reads it as a P-256 certificate for the hub's names"() {
        given:
        def pem = Files.createTempFile('browser', '.pem')
        pem.text = Certificates.toPem(BrowserCertificate.derive(hub.private, served).certificate())

        when:
        def p = new ProcessBuilder('openssl', 'x509', '-in', pem.toString(), '-noout', '-text').redirectErrorStream(true).start()
        def text = p.inputStream.text

        then:
        p.waitFor() == 0
        text.contains('prime256v1')
        text.contains('ecdsa-with-SHA256')
        text.contains('DNS:hub-a.example')
        text.contains('IP Address:127.0.0.1')

        cleanup:
        Files.deleteIfExists(pem)
    }

    def "needed for an Ed25519 key only (#what)"() {
        expect:
        BrowserCertificate.needed(key) == needed

        where:
        what      | key                               || needed
        'Ed25519' | Certificates.ed25519().private   || true
        'P-256'   | Certificates.ecP256().private     || false
    }
}
