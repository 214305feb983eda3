package dev.entente.ca.authority

import dev.entente.ca.crypto.Certificates
import dev.entente.lifecycle.error.EntenteException
import spock.lang.Shared
import spock.lang.Specification

import java.security.cert.X509Certificate
import java.time.Duration
import java.time.Instant

import static dev.entente.ca.crypto.TestCsrs.der
import static dev.entente.ca.crypto.TestCsrs.keys
import static dev.entente.ca.crypto.TestCsrs.pem
import static dev.entente.ca.crypto.TestCsrs.tamperedSignature
import static dev.entente.ca.crypto.TestCsrs.tamperedSubject

/**
 * The CSR policy as a table. ECDSA P-521 is refused on purpose (csr_key_unsupported): see
 * {@link CsrPolicy} for why.
 */
class CsrPolicySpec extends Specification {
    @Shared CsrPolicy policy = new CsrPolicy()
    @Shared CaKey ca = CaKey.generate('ca-test-1', CaAlgorithm.ED25519, 'hub_0000000a', Instant.now())
    @Shared NodeCertificateSigner signer = new NodeCertificateSigner('hub_0000000a', policy, Duration.ofDays(7))

    def "#request → #expected"() {
        expect:
        outcome { policy.check(bytes) } == expected

        where:
        request                                   | bytes                                        || expected
        'Ed25519, DER'                            | der(keys('Ed25519'))                         || 'ok'
        'Ed25519, PEM'                            | pem(keys('Ed25519'))                         || 'ok'
        'ECDSA P-256'                             | pem(keys('P-256'))                           || 'ok'
        'ECDSA P-384'                             | pem(keys('P-384'))                           || 'ok'
        'RSA-3072'                                | pem(keys('RSA-3072'))                        || 'ok'
        'RSA-2048'                                | pem(keys('RSA-2048'))                        || 'csr_key_weak'
        'ECDSA P-521 (refused by decision)'       | pem(keys('P-521'))                           || 'csr_key_unsupported'
        'Ed448'                                   | pem(keys('Ed448'))                           || 'csr_key_unsupported'
        'garbage bytes'                           | 'not a csr at all'.bytes                     || 'csr_malformed'
        'random DER-looking bytes'                | ([0x30, 0x82, 0x01, 0x00] + (1..40)) as byte[] || 'csr_malformed'
        'empty'                                   | new byte[0]                                  || 'csr_malformed'
        'PEM armour around garbage'               | "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n".bytes || 'csr_malformed'
        'a certificate instead of a request'      | ca.certificate().encoded                     || 'csr_malformed'
        'signature bit flipped'                   | tamperedSignature(keys('Ed25519'))           || 'csr_signature_invalid'
        'subject edited after signing'            | tamperedSubject(keys('P-256'))               || 'csr_signature_invalid'
        'asks for CA:true'                        | pem([ca: true], keys('Ed25519'))             || 'csr_ca_requested'
        'asks for CA:false (harmless)'            | pem([ca: false], keys('Ed25519'))            || 'ok'
        'hostile subject and SANs (ignored)'      | pem([subject: 'CN=hub_evil,O=Entente', sans: ['spiffe://hub_0000000a/peer/other', 'evil.example']], keys('Ed25519')) || 'ok'
    }

    def "a weak key is named with its size and the allow-list, without a stack trace"() {
        when:
        policy.check(pem(keys('RSA-2048')))

        then:
        EntenteException e = thrown()
        e.code().status() == 422
        e.detail() == 'an RSA-2048 key is too weak: RSA keys need at least 3072 bits; allowed: Ed25519, ECDSA P-256, ECDSA P-384, RSA >= 3072'
        e.extensions() == [key: 'RSA-2048', allowed_keys: CsrPolicy.ALLOWED]
        e.cause == null
    }

    def "every refusal is a 4xx whose detail is one line with no exception class in it"() {
        when:
        policy.check(bytes)

        then:
        EntenteException e = thrown()
        e.code().status() in [400, 422]
        !e.detail().contains('\n')
        !(e.detail() =~ /(Exception|\tat |\.java:)/)

        where:
        bytes << ['garbage'.bytes, ([0x30, 0x03, 0x02, 0x01, 0x00]) as byte[], tamperedSignature(keys('Ed25519')),
                  pem([ca: true], keys('P-256')), pem(keys('P-521'))]
    }

    def "a hostile request gets the CA's subject and SAN, not its own, and never CA:true"() {
        given:
        byte[] hostile = pem([subject: 'CN=hub_victim,O=Entente', sans: ['spiffe://hub_0000000a/peer/victim', 'victim.example']],
                keys('Ed25519'))

        when:
        X509Certificate cert = signer.sign(ca, 'peer-42', 'hub_0000002a', hostile, Instant.now())

        then:
        cert.subjectX500Principal.name == 'CN=hub_0000002a'
        Certificates.subjectAltNames(cert) == ['spiffe://hub_0000000a/peer/peer-42']
        cert.basicConstraints == -1
        cert.extendedKeyUsage == ['1.3.6.1.5.5.7.3.2']
    }

    private static String outcome(Closure work) {
        try {
            work()
            'ok'
        } catch (EntenteException e) {
            e.code().code()
        }
    }
}
