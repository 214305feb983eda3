package dev.entente.controlplane.tls

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.federation.PeerClient
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.error.EntenteException
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.time.Duration

/**
 * Issue 13, item 1: an expired hub TLS certificate must not lock the operator out. The hub is
 * started with a one-second validity and automatic renewal off ({@code entente.tls.auto-renew}),
 * and the spec waits it out, as after a long outage or a clock stepped forward.
 */
@Stepwise
class ExpiredTlsCertificateSpec extends Specification {
    @Shared RunningHub hub
    @Shared String expired

    def setupSpec() {
        hub = TestHubs.start(Files.createTempDirectory('entente-expired-tls'), ['entente.tls.cert-validity': '1s',
                                                                                    'entente.tls.auto-renew': false])
        expired = hub.bean(dev.entente.ca.tls.TlsState).current().fingerprint()
        while (!java.time.Instant.now().isAfter(hub.bean(dev.entente.ca.tls.TlsState).current().notAfter())) {
            sleep(100)
        }
    }

    def cleanupSpec() {
        hub?.stop()
    }

    def "healthz names the expired certificate, not an expiring one"() {
        when:
        def h = HubHttp.get(hub.url() + '/healthz')

        then:
        h.status == 503
        h.json.reason == 'tls_cert_expired'
    }

    def "the local CLI still reaches its hub through the pin, and says the certificate expired and how to renew it"() {
        when:
        def r = TestHubs.cliAs(hub, null, 'status')

        then:
        r.code == 0
        r.json.hub_id == hub.hubId()
        r.err.contains('warning: the hub\'s TLS certificate expired at')
        r.err.contains('this clock is ahead')
        r.err.contains("entente tls rotate")
    }

    def "a peer pinning the same certificate refuses it, and the error names expiry and the clock without Java names"() {
        given:
        def client = new PeerClient(hub.url(), [expired] as Set, null, null, Duration.ofSeconds(5))

        when:
        client.get('healthz')

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'peer_unreachable'
        e.message.contains('certificate expired at')
        e.message.contains('clock')
        !(e.message =~ /\b(java|javax|sun)\.[a-z]+\./)
    }

    def "with auto-renew off nothing renews it: doctor says it expired (DR003, error) and names the fix"() {
        when:
        def r = TestHubs.cli(hub, 'doctor', '--output', 'json')
        def dr003 = r.json.findings.find { it.code == 'DR003' }

        then:
        hub.bean(dev.entente.ca.tls.TlsState).current().fingerprint() == expired
        dr003.severity == 'error'
        dr003.diagnosis.contains('expired at')
        dr003.next_command == 'entente tls rotate'
        !r.json.findings*.code.contains('DR023')
        TestHubs.cli(hub, 'events', '--source', 'tls_renewal', '--output', 'json').json == []
    }

    def "the runbook's fix, entente tls rotate, works from the same CLI"() {
        when:
        def r = TestHubs.cliAs(hub, null, 'tls', 'rotate')

        then:
        r.code == 0
        r.json.fingerprint != expired
        r.json.grace_fingerprints == [expired]
    }
}
