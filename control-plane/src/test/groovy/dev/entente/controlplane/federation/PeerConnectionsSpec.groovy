package dev.entente.controlplane.federation

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.peer.PeerState
import spock.lang.Specification

import java.nio.file.Files

import static dev.entente.controlplane.TestHubs.eventually
import static dev.entente.controlplane.TestHubs.link

/**
 * Issue 15 (scale on one hub): a hub's heartbeats to a peer ride one kept-alive mTLS connection
 * instead of a new TLS handshake each, and a connection the peer dropped is replaced without a
 * failed heartbeat.
 */
class PeerConnectionsSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5m']

    def "repeated heartbeats to a peer reuse one connection; after the peer restarts they still get through"() {
        given: 'A and B linked, heartbeating each other every second'
        def dirB = Files.createTempDirectory('connections-b')
        RunningHub a = TestHubs.start(Files.createTempDirectory('connections-a'), FAST + ['entente.hub.name': 'hub-a'])
        RunningHub b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b'])
        UUID bOnA = UUID.fromString(link(a, b, 'hub-b'))
        def federation = a.bean(FederationService)
        def connections = a.bean(PeerConnections)

        when: 'A heartbeats B five times'
        def results = (1..5).collect { federation.sendHeartbeat(federation.peers().find(bOnA).get()) }

        then: 'every one delivered, over one kept connection'
        results.every { it.ok() }
        connections.size() == 1
        federation.peers().find(bOnA).get().state() == PeerState.ACTIVE

        when: 'B restarts on the same data dir and port, so the kept connection is dead'
        int port = b.port()
        b.stop()
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': port])

        then: 'the next heartbeat opens a new connection and is delivered'
        eventually(20) { federation.sendHeartbeat(federation.peers().find(bOnA).get()).ok() }
        federation.peers().find(bOnA).get().lastHeartbeatError() == null

        cleanup:
        b?.stop()
        a?.stop()
    }
}
