package dev.entente.ca.crypto

import com.nimbusds.jose.JOSEObjectType
import com.nimbusds.jose.JWSAlgorithm
import com.nimbusds.jose.JWSHeader
import com.nimbusds.jose.JWSObject
import com.nimbusds.jose.Payload
import com.nimbusds.jose.crypto.Ed25519Signer
import com.nimbusds.jose.crypto.Ed25519Verifier
import dev.entente.ca.jws.EdDsaJws
import spock.lang.Specification

import java.security.KeyPair
import java.security.Signature
import java.time.Duration
import java.time.Instant

/**
 * Issue 15: Ed25519 moved from SunEC (and Tink, under Nimbus) to BouncyCastle's RFC 8032 code.
 * Ed25519 is deterministic, so the move must not change a single byte: signatures equal SunEC's,
 * certificates verify with SunEC, and tokens cross between the old and new signers both ways.
 */
class Ed25519SigningSpec extends Specification {
    static final KeyPair KEYS = Certificates.ed25519()

    def "a signature is byte for byte SunEC's, and each verifies the other's"() {
        given:
        byte[] message = new byte[size]
        new Random(size).nextBytes(message)
        Signature sunec = Signature.getInstance('Ed25519', 'SunEC')
        sunec.initSign(KEYS.private)
        sunec.update(message)
        byte[] expected = sunec.sign()

        expect:
        Ed25519Signing.sign(KEYS.private, message) == expected
        Ed25519Signing.verify(KEYS.public, message, expected)
        !Ed25519Signing.verify(KEYS.public, Arrays.copyOf(message, size + 1), expected)
        !Ed25519Signing.verify(Certificates.ed25519().public, message, expected)

        where:
        size << [0, 1, 400, 5000]
    }

    def "a CA certificate and a node certificate signed here verify with SunEC"() {
        given:
        def now = Instant.now()
        def ca = Certificates.caCertificate(KEYS, 'Entente federation CA', now, Duration.ofDays(1))
        def leafKeys = Certificates.ed25519()
        def leaf = Certificates.nodeCertificate(leafKeys.public, 'hub_b', 'spiffe://hub_a/peer/p1', Certificates.serial(),
                now, now.plus(Duration.ofHours(1)), ca, KEYS.private)

        when:
        ca.verify(KEYS.public, 'SunEC')
        leaf.verify(KEYS.public, 'SunEC')

        then:
        noExceptionThrown()
        leaf.sigAlgName == 'Ed25519'
    }

    def "a CSR's self-signature is checked here, and a tampered one is refused"() {
        given:
        def csr = Csr.parse(Certificates.csr(KEYS, 'hub_b').bytes)
        def other = Certificates.ed25519().public

        expect:
        csr.isSignatureValid(csr.publicKey())
        !csr.isSignatureValid(other)
    }

    def "a token Nimbus' own Ed25519 signer made verifies here, and one made here verifies with Nimbus'"() {
        given:
        def jwk = EdDsaJws.privateJwk('k1', KEYS.private)
        def old = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.EdDSA).type(JOSEObjectType.JWT).keyID('k1').build(),
                new Payload('{"iss":"hub_1"}'))
        old.sign(new Ed25519Signer(jwk))
        def made = EdDsaJws.sign(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put('iss', 'hub_1'),
                'k1', KEYS.private)

        expect:
        EdDsaJws.verify(old.serialize(), { kid -> KEYS.public }).text('iss') == 'hub_1'
        JWSObject.parse(made).verify(new Ed25519Verifier(jwk.toPublicJWK()))
        made == old.serialize()
    }
}
