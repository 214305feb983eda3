package dev.entente.controlplane.audit

import dev.entente.controlplane.federation.FederationService
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.audit.AuditEventType
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 6, events: what the hub does on its own (handshakes, heartbeat recovery, the sweep, delivery
 * failures) is listed by {@code entente events}, filtered by source and time, kept out of the operator
 * audit listing, and chained with it: {@code audit verify} covers both.
 */
@Stepwise
class EventsSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '3s',
                             'entente.sweep.interval': '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared Path dirB
    @Shared int portB
    @Shared String peerBonA

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('entente-a'), FAST + ['entente.hub.name': 'hub-a'])
        dirB = Files.createTempDirectory('entente-b')
        portB = new ServerSocket(0).withCloseable { it.localPort }
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': portB])
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "linking: the other hub's handshake and first heartbeat are events on A; the operator's propose is audit"() {
        when:
        def proposed = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json')
        peerBonA = proposed.json.peer.id
        assert cli(b, 'peers', 'accept', '--token', proposed.json.acceptance_token).code == 0
        eventually(20) { peerState() == 'active' }
        def handshake = cli(a, 'events', '--source', 'handshake', '--since', '10m', '--output', 'json').json
        def heartbeat = cli(a, 'events', '--source', 'heartbeat', '--output', 'json').json

        then:
        handshake*.type.containsAll(['peer.accepted', 'peer.enrolled'])
        handshake.every { it.actor == 'system:handshake' && it.source == 'handshake' && it.subject == peerBonA }
        heartbeat.find { it.type == 'peer.active' }.details.from == 'enrolled'

        and: 'the operator audit has the propose and none of the hub\'s own events'
        def audit = cli(a, 'audit', 'ls', '--since', '10m', '--output', 'json').json
        audit*.type.contains('peer.proposed')
        audit.every { it.source == null && !it.actor.startsWith('system') }
        !audit*.type.contains('peer.enrolled')

        and: '--all shows both, interleaved in chain order'
        def all = cli(a, 'audit', 'ls', '--all', '--since', '10m', '--limit', '500', '--output', 'json').json
        all*.type.containsAll(['peer.proposed', 'peer.accepted', 'peer.enrolled', 'hub.started'])
        all*.seq == all*.seq.sort(false).reverse()
    }

    def "B stopped: the sweep's degradation and A's failing deliveries are events, once each, not once per heartbeat"() {
        given:
        int eventsBefore = cli(a, 'events', '--type', 'heartbeat.delivery_failed', '--output', 'json').json.size()
        long failedBefore = failedDeliveries()

        when:
        b.stop()
        eventually(20) { peerState() == 'degraded' }
        Thread.sleep(3_000) // several more failed deliveries and sweeps
        def sweep = cli(a, 'events', '--source', 'heartbeat_sweep', '--output', 'json').json
        def failures = cli(a, 'events', '--type', 'heartbeat.delivery_failed', '--output', 'json').json
                .dropRight(eventsBefore)

        then:
        sweep*.type == ['peer.degraded']
        sweep[0].actor == 'system:heartbeat_sweep'
        sweep[0].details.ids == [peerBonA]
        // one event per change of error code (a stopping server may answer once before it refuses)
        failures.size() in [1, 2]
        failures.every { it.subject == peerBonA && it.source == 'heartbeat' }
        failures[0].details.error =~ /^peer_unreachable/
        failedDeliveries() - failedBefore >= 4
    }

    def "B restarted: recovery and the healed delivery are events; the whole chain still verifies"() {
        when:
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': portB])
        eventually(20) { peerState() == 'active' }
        eventually(10) { cli(a, 'events', '--type', 'heartbeat.delivery_recovered', '--output', 'json').json.size() == 1 }
        def events = cli(a, 'events', '--source', 'heartbeat', '--since', '1m', '--output', 'json').json

        then:
        events.find { it.type == 'peer.active' }.details.from == 'degraded'
        events.find { it.type == 'heartbeat.delivery_recovered' }.details.previous_error =~ /^peer_unreachable/

        and:
        cli(a, 'audit', 'verify', '--output', 'json').json.ok
    }

    def "the text form is one line per event; an unknown source is a 400 naming the known ones"() {
        when:
        def text = cli(a, 'events', '--source', 'hub')
        def bad = cli(a, 'events', '--source', 'sweeper', '--output', 'json')
        def problem = new JsonSlurper().parseText(bad.err)

        then:
        text.code == 0
        text.out.readLines().any { it.contains('hub.started') && it.contains('system:hub') }
        bad.code != 0
        problem.code == 'invalid_request'
        problem.detail.contains('heartbeat_sweep')
        problem.runbook
    }

    def "issue 12: an unknown type is a 400 naming the valid ones, for events and audit ls alike"() {
        when:
        def bad = cli(a, *command, '--type', type, '--output', 'json')
        def problem = new JsonSlurper().parseText(bad.err)

        then:
        bad.code != 0
        problem.code == 'invalid_request'
        problem.field == 'type'
        problem.detail.startsWith("unknown audit event type ${type}; use one of: ")
        named.every { problem.detail.contains(it) }
        notNamed.every { !problem.detail.contains(it) }

        where:
        command            | type                  || named                                      | notNamed
        ['events']         | 'peer.degradd'        || ['peer.degraded', 'peer.accepted']         | ['hub.started']
        ['audit', 'ls']    | 'acess.denied'        || ['access.denied', 'peer.proposed']         | []
        ['audit', 'ls']    | 'ca_rotation.started' || ['ca_rotation.init', 'ca_rotation.peer_moved'] | ['peer.accepted']
    }

    def "issue 12: every registered type is accepted, including the transition types"() {
        expect:
        cli(a, 'audit', 'ls', '--all', '--type', type, '--limit', '1', '--output', 'json').code == 0

        where:
        type << AuditEventType.values()*.value()
    }

    private String peerState() {
        a.bean(FederationService).peers().find(UUID.fromString(peerBonA)).get().state().value()
    }

    private long failedDeliveries() {
        a.bean(FederationService).peers().find(UUID.fromString(peerBonA)).get().heartbeatsFailed()
    }
}
