package dev.entente.controlplane.federation

import dev.entente.ca.vault.SealedKeyStore
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.access.FederationAccessCache
import dev.entente.federation.heartbeat.HeartbeatCoalescer
import dev.entente.federation.peer.PeerState
import dev.entente.lifecycle.error.EntenteException
import dev.entente.testkit.PostgresFixture
import spock.lang.Specification

import java.nio.file.Files
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.eventually
import static dev.entente.controlplane.TestHubs.link

/**
 * Issue 4: an active peer's quiet heartbeats are buffered and written in batches. None may be
 * lost (counted and timestamped, also across a shutdown), a peer that left active meanwhile is
 * judged by its lifecycle, and the stale sweep must never see a buffered heartbeat as missing.
 */
class HeartbeatCoalescerSpec extends Specification {
    static final Map SLOW_SWEEP = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5m']

    def "the flush interval is min(250 ms, stale-after / 8), at least 10 ms"() {
        expect:
        HeartbeatCoalescer.intervalFor(staleAfter) == interval

        where:
        staleAfter               || interval
        Duration.ofMinutes(5)    || Duration.ofMillis(250)
        Duration.ofSeconds(3)    || Duration.ofMillis(250)
        Duration.ofSeconds(1)    || Duration.ofMillis(125)
        Duration.ofMillis(40)    || Duration.ofMillis(10)
    }

    def "heartbeats still buffered at shutdown are written: every one counted, the newest timestamp kept"() {
        given: 'hub A on its own database, B linked to it, B sending no heartbeats of its own'
        def db = PostgresFixture.emptyDatabase()
        RunningHub a = TestHubs.start(Files.createTempDirectory('coalesce-a'), SLOW_SWEEP + ['entente.hub.name': 'hub-a',
                'entente.db.url': db.jdbcUrl(), 'entente.db.user': db.user(), 'entente.db.password': db.password()],
                [ENTENTE_KEY_PASSPHRASE: 'coalescer spec'])
        RunningHub b = TestHubs.start(Files.createTempDirectory('coalesce-b'), SLOW_SWEEP + ['entente.hub.name': 'hub-b'])
        UUID bOnA = UUID.fromString(link(a, b, 'hub-b'))
        b.worker().close()
        Thread.sleep(300) // a heartbeat B had in flight lands before the count is taken
        def toA = clientTo(b, a)
        a.bean(HeartbeatCoalescer).flush()
        long before = a.bean(FederationService).peers().find(bOnA).get().heartbeatsReceived()

        when: '25 heartbeats, then A stops at once'
        Instant lastSent = null
        25.times {
            lastSent = Clock.systemUTC().instant()
            toA.post('federation/v1/heartbeat', [protocol_version: FederationService.PROTOCOL_VERSION])
        }
        a.stop()

        then: 'the database has all 25 and a last heartbeat no older than the last send'
        def row = sql(db) { s -> s.firstRow('SELECT heartbeats_received, last_heartbeat_at FROM peers WHERE id = ?', [bOnA]) }
        row.heartbeats_received == before + 25
        !row.last_heartbeat_at.toInstant().isBefore(lastSent.truncatedTo(ChronoUnit.MICROS))

        cleanup:
        b?.stop()
        a?.stop()
    }

    def "a buffered heartbeat of a peer that left active goes through the lifecycle: degraded recovers, suspended refuses"() {
        given:
        RunningHub a = TestHubs.start(Files.createTempDirectory('coalesce-a'), SLOW_SWEEP + ['entente.hub.name': 'hub-a'])
        RunningHub b = TestHubs.start(Files.createTempDirectory('coalesce-b'), SLOW_SWEEP + ['entente.hub.name': 'hub-b'])
        UUID bOnA = UUID.fromString(link(a, b, 'hub-b'))
        b.worker().close()
        def lifecycle = a.bean(FederationService).lifecycle()
        def peers = a.bean(FederationService).peers()
        def coalescer = a.bean(HeartbeatCoalescer)
        coalescer.flush()

        when: 'B went stale (an hour from now) after the handler saw it active, so its heartbeat is buffered for a degraded peer'
        // stale first, then buffer: the hub's own timer may flush at any moment, and either way
        // the buffered heartbeat must meet a degraded peer
        lifecycle.markStale(bOnA, Clock.systemUTC().instant().plus(Duration.ofHours(1)))
        assert peers.find(bOnA).get().state() == PeerState.DEGRADED
        long received = peers.find(bOnA).get().heartbeatsReceived()
        assert coalescer.offer(bOnA, Clock.systemUTC().instant(), 0L, 1, 'standby', [])
        coalescer.flush()

        then: 'the flush replays it through the lifecycle: degraded -> active, counted once'
        peers.find(bOnA).get().state() == PeerState.ACTIVE
        peers.find(bOnA).get().heartbeatsReceived() == received + 1
        coalescer.pending() == 0

        when: 'B is suspended while another heartbeat is buffered'
        assert coalescer.offer(bOnA, Clock.systemUTC().instant(), 0L, 1, 'standby', [])
        lifecycle.suspend(bOnA, 'spec', 'coalescer drill')
        coalescer.flush()

        then: 'the heartbeat is dropped, as one arriving after the suspension would be'
        peers.find(bOnA).get().state() == PeerState.SUSPENDED
        coalescer.pending() == 0

        cleanup:
        b?.stop()
        a?.stop()
    }

    def "suspending a peer is enforced on its very next heartbeat, on a connection the cache already knows"() {
        given:
        RunningHub a = TestHubs.start(Files.createTempDirectory('coalesce-a'), SLOW_SWEEP + ['entente.hub.name': 'hub-a'])
        RunningHub b = TestHubs.start(Files.createTempDirectory('coalesce-b'), SLOW_SWEEP + ['entente.hub.name': 'hub-b'])
        String bOnA = link(a, b, 'hub-b')
        b.worker().close()
        def toA = clientTo(b, a)
        eventually(5) { a.bean(FederationAccessCache).live() }
        long shown = show(a, bOnA).heartbeats_received as long
        toA.post('federation/v1/heartbeat', [protocol_version: FederationService.PROTOCOL_VERSION])
        toA.post('federation/v1/heartbeat', [protocol_version: FederationService.PROTOCOL_VERSION])
        // 'peers show' on A counts both at once, buffered or not
        assert show(a, bOnA).heartbeats_received == shown + 2

        when:
        assert cli(a, 'peers', 'suspend', bOnA, '--reason', 'next request').code == 0
        toA.post('federation/v1/heartbeat', [protocol_version: FederationService.PROTOCOL_VERSION])

        then:
        def e = thrown(EntenteException)
        e.extensions().remote_code == 'peer_suspended'

        cleanup:
        b?.stop()
        a?.stop()
    }

    // ------------------------------------------------------------------ helpers

    private static Map show(RunningHub hub, String peerId) {
        HubHttp.get(hub.url() + '/api/v1/peers/' + peerId, TestHubs.adminToken(hub)).json as Map
    }

    private static PeerClient clientTo(RunningHub from, RunningHub to) {
        def peer = from.bean(FederationService).peers().findByName('hub-a').get()
        def key = from.bean(SealedKeyStore).byId(peer.clientKeyId()).get()
        new PeerClient(to.url(), Set.copyOf(peer.pinnedFingerprints()), Certificates.privateKey(key.algorithm(), key.secret()),
                Certificates.parsePem(peer.clientCertPem()).get(0), Duration.ofSeconds(5))
    }

    private static <T> T sql(PostgresFixture.TestDatabase db, Closure<T> work) {
        def s = groovy.sql.Sql.newInstance(db.jdbcUrl(), db.user(), db.password())
        try {
            work(s)
        } finally {
            s.close()
        }
    }
}
