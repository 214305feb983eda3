package dev.entente.controlplane.tls

import dev.entente.ca.tls.TlsState
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 13, item 1: a running pair of hubs where A's TLS certificate (90 seconds of validity)
 * passes two thirds of its lifetime. A announces the next certificate, B pins it over
 * heartbeats, A serves it: no heartbeat fails on either side, and nobody ran a command.
 */
@Stepwise
class TlsAutoRenewalSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '10s',
                             'entente.sweep.interval': '2s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String peerBonA
    @Shared String peerAonB
    @Shared String first
    @Shared String next

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('entente-renew-a'),
                FAST + ['entente.hub.name': 'hub-a', 'entente.tls.cert-validity': '90s'])
        b = TestHubs.start(Files.createTempDirectory('entente-renew-b'), FAST + ['entente.hub.name': 'hub-b'])
        first = a.bean(TlsState).current().fingerprint()
        peerBonA = TestHubs.link(a, b, 'hub-b')
        peerAonB = cli(b, 'peers', 'list', '--output', 'json').json.find { it.name != null }.id
        eventually(20) { peer(b, peerAonB).state == 'active' }
    }

    def cleanupSpec() {
        a?.stop()
        b?.stop()
    }

    def "at two thirds of its lifetime A announces the next certificate, and B pins it while A still serves the first"() {
        when:
        eventually(120) { !a.bean(TlsState).nextFingerprints().isEmpty() }
        next = a.bean(TlsState).nextFingerprints()[0]

        then:
        next != first
        cli(a, 'tls', 'info', '--output', 'json').json.next_fingerprint == next
        eventually(20) { peer(b, peerAonB).tls_fingerprints.contains(next) }
        peer(b, peerAonB).tls_fingerprints.contains(first)
    }

    def "A then serves it, keeps the first in grace, and the local CLI follows without a warning"() {
        expect:
        eventually(60) { a.bean(TlsState).current().fingerprint() == next }
        a.bean(TlsState).graceFingerprints() == [first]
        a.bean(TlsState).nextFingerprints() == []

        when:
        def local = new JsonSlurper().parse(a.settings().dataDir().resolve('hub.json').toFile())
        def status = cli(a, 'status')

        then:
        local.tls_fingerprint == next
        status.code == 0
        !status.err.contains('warning')
    }

    def "heartbeats never failed on either side and keep arriving"() {
        given:
        def received = peer(a, peerBonA).heartbeats_received

        expect:
        eventually(20) { peer(a, peerBonA).heartbeats_received > received + 2 }
        peer(a, peerBonA).heartbeats_failed == 0
        peer(b, peerAonB).heartbeats_failed == 0
        peer(a, peerBonA).state == 'active'
        peer(b, peerAonB).state == 'active'
        cli(a, 'events', '--type', 'heartbeat.delivery_failed', '--output', 'json').json == []
        cli(b, 'events', '--type', 'heartbeat.delivery_failed', '--output', 'json').json == []
    }

    def "the renewal is audited as the hub's own, automatic rotation"() {
        when:
        def events = cli(a, 'events', '--source', 'tls_renewal', '--output', 'json').json

        then:
        events.size() >= 1
        def renewal = events.find { it.subject == next }
        renewal.type == 'tls.rotated'
        renewal.actor == 'system:tls_renewal'
        renewal.details.automatic == true
        renewal.details.trigger == 'schedule'
        renewal.details.previous_fingerprint == first
        renewal.details.reason.contains('two thirds of its lifetime')
    }

    def "doctor has nothing to say about the renewal"() {
        when:
        def report = cli(a, 'doctor', '--output', 'json').json

        then:
        !report.findings*.code.contains('DR023')
        !report.findings*.code.contains('DR003') || report.findings.find { it.code == 'DR003' }.severity == 'warning'
    }

    private static Map peer(RunningHub hub, String id) {
        def r = HubHttp.get(hub.url() + '/api/v1/peers/' + id, TestHubs.adminToken(hub))
        assert r.status == 200: r.text
        r.json
    }
}
