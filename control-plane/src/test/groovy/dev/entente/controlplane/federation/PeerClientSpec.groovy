package dev.entente.controlplane.federation

import dev.entente.ca.crypto.Certificates
import dev.entente.lifecycle.error.EntenteException
import spock.lang.Specification
import spock.lang.Unroll

import java.time.Duration
import java.time.Instant

/** Half an mTLS identity is an error with its own code, never a quiet fall-back to plain TLS. */
class PeerClientSpec extends Specification {

    @Unroll
    def "#what is refused with mtls_config_partial"() {
        given:
        def kp = Certificates.ed25519()
        def cert = Certificates.selfSigned(kp, 'hub_00000001', ['localhost'] as Set, Instant.now(), Duration.ofDays(1))

        when:
        new PeerClient('https://127.0.0.1:1', ['ab' * 32] as Set, withKey ? kp.private : null, withCert ? cert : null, Duration.ofSeconds(1))

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'mtls_config_partial'

        where:
        what                                 | withKey | withCert
        'a private key without certificate'  | true    | false
        'a certificate without its key'      | false   | true
    }

    def "no identity at all (before enrollment) is allowed, and an unreachable peer is peer_unreachable"() {
        when:
        new PeerClient('https://127.0.0.1:1', ['ab' * 32] as Set, null, null, Duration.ofSeconds(1)).get('federation/v1/ping')

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'peer_unreachable'
        e.detail().contains('refused')
    }

    def "a peer URL whose host does not resolve is named as a DNS failure, without Java class names (issue 13)"() {
        when:
        new PeerClient('https://no-such-hub.invalid:7443', ['ab' * 32] as Set, null, null, Duration.ofSeconds(2)).get('federation/v1/ping')

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'peer_unreachable'
        e.detail().contains('cannot resolve no-such-hub.invalid (DNS)')
        !(e.detail() =~ /java\.|Exception/)
    }
}
