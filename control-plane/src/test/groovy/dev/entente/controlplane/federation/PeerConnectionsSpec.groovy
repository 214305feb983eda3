package dev.entente.controlplane.federation

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.peer.PeerState
import dev.entente.federation.protocol.PeerEndpoint
import spock.lang.Specification

import java.io.DataInputStream
import java.nio.ByteBuffer
import java.nio.file.Files
import java.time.Clock
import java.time.Duration
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

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

    def "a new connection offers an x25519 key share only, not a P-256 one besides it"() {
        given: 'a plain TCP server that reads the ClientHello and closes'
        def server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())
        def groups = new CompletableFuture<List<Integer>>()
        Thread.start {
            server.accept().withCloseable { s -> groups.complete(keyShareGroups(new DataInputStream(s.inputStream))) }
        }
        def connections = new PeerConnections(Clock.systemUTC())

        when:
        connections.post(PeerEndpoint.anonymous("https://127.0.0.1:${server.localPort}", 'sha256:' + '0' * 64),
                '/federation/v1/heartbeat', new byte[0], Duration.ofSeconds(5))

        then: 'the handshake fails (nobody answers it), and the hello carried one share: x25519 (0x001d)'
        thrown(IOException)
        groups.get(10, TimeUnit.SECONDS) == [0x001d]

        cleanup:
        connections?.close()
        server?.close()
    }

    /** The named groups of the key_share extension (RFC 8446 4.2.8) of a ClientHello record. */
    private static List<Integer> keyShareGroups(DataInputStream in) {
        byte[] head = new byte[5]
        in.readFully(head)
        byte[] record = new byte[((head[3] & 0xff) << 8) | (head[4] & 0xff)]
        in.readFully(record)
        ByteBuffer b = ByteBuffer.wrap(record)
        b.position(4 + 2 + 32)                       // handshake header, legacy_version, random
        b.position(b.position() + 1 + (b.get(b.position()) & 0xff))           // legacy_session_id
        b.position(b.position() + 2 + (b.getShort(b.position()) & 0xffff))    // cipher_suites
        b.position(b.position() + 1 + (b.get(b.position()) & 0xff))           // legacy_compression_methods
        int end = b.position() + 2 + (b.getShort() & 0xffff)
        while (b.position() < end) {
            int type = b.getShort() & 0xffff
            int length = b.getShort() & 0xffff
            if (type == 0x0033) {
                List<Integer> groups = []
                int sharesEnd = b.position() + 2 + (b.getShort() & 0xffff)
                while (b.position() < sharesEnd) {
                    groups << (b.getShort() & 0xffff)
                    b.position(b.position() + 2 + (b.getShort(b.position()) & 0xffff))
                }
                return groups
            }
            b.position(b.position() + length)
        }
        return []
    }
}
