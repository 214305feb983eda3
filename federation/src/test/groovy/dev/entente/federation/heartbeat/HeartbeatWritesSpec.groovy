package dev.entente.federation.heartbeat

import dev.entente.federation.peer.PeerFixture
import dev.entente.federation.peer.PeerState
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList

import static dev.entente.federation.peer.PeerFixture.NOW

/**
 * Issue 12: the heartbeat columns of {@code peers} have one writer
 * ({@code PeerRepository.writeHeartbeats}), whichever path a heartbeat takes: the quiet single
 * row, the HEARTBEAT transition, or the coalescer's batch.
 */
class HeartbeatWritesSpec extends Specification {
    @Shared @AutoCleanup PeerFixture db = new PeerFixture()
    List<UUID> changed = new CopyOnWriteArrayList<>()
    // stale-after of an hour: the coalescer's own timer (1/8 of it, at most 250 ms) must not be
    // what flushes here, so every feature flushes explicitly and the timer only repeats that
    @AutoCleanup HeartbeatCoalescer coalescer = new HeartbeatCoalescer(db.tx, db.peers, Duration.ofHours(1),
            { UUID id -> changed << id }, 'spec')

    def "a heartbeat through #path leaves the same heartbeat columns (issue 12)"() {
        given:
        UUID id = db.peerIn(from, [degraded_reason: from == PeerState.DEGRADED ? 'no heartbeat for 7s (stale-after 5s)' : null])
        long before = db.row(id).heartbeats_received as long
        Instant at = NOW + Duration.ofSeconds(30)

        when:
        if (path == 'coalescer') {
            assert coalescer.offer(id, at, -40L, 1, 'update_clients', ['aa' * 32])
            coalescer.flush()
        } else {
            db.peers.recordHeartbeat(id, at, -40L, 1, 'update_clients', ['aa' * 32])
        }
        Map row = db.row(id)

        then:
        row.state == 'active'
        (row.last_heartbeat_at as java.sql.Timestamp).toInstant() == at
        row.degraded_reason == null
        row.last_clock_skew_ms == -40
        row.remote_protocol_version == 1
        row.remote_ca_phase == 'update_clients'
        row.heartbeats_received == before + 1
        (row.pinned_fingerprints.array as List) == ['aa' * 32]
        stateSinceMoved == ((row.state_since as java.sql.Timestamp).toInstant() == at)

        where:
        path                       | from               | stateSinceMoved
        'quiet single row'         | PeerState.ACTIVE   | false
        'transition (degraded)'    | PeerState.DEGRADED | true
        'transition (enrolled)'    | PeerState.ENROLLED | true
        'coalescer'                | PeerState.ACTIVE   | false
    }

    def "a batch folds a peer's heartbeats: every one counted, the newest values kept, time never backwards (issue 12)"() {
        given:
        UUID id = db.peerIn(PeerState.ACTIVE)
        long before = db.row(id).heartbeats_received as long

        when:
        coalescer.offer(id, NOW + Duration.ofSeconds(20), 5L, 1, 'standby', [])
        coalescer.offer(id, NOW + Duration.ofSeconds(40), 7L, 1, 'update_clients', [])
        coalescer.offer(id, NOW + Duration.ofSeconds(30), 9L, 1, 'standby', [])
        coalescer.flush()
        db.peers.recordHeartbeat(id, NOW + Duration.ofSeconds(35), 1L, 1, 'standby', [])
        Map row = db.row(id)

        then:
        coalescer.pending() == 0
        row.heartbeats_received == before + 4
        (row.last_heartbeat_at as java.sql.Timestamp).toInstant() == NOW + Duration.ofSeconds(40)
        row.last_clock_skew_ms == 1
    }

    def "a buffered heartbeat of a peer that left active takes the lifecycle path and still counts every heartbeat (issue 12)"() {
        given: 'the sweep degraded the peer after its heartbeats passed the quiet check'
        UUID id = db.peerIn(PeerState.ACTIVE)
        long before = db.row(id).heartbeats_received as long
        db.peers.markStale(id, NOW + Duration.ofHours(2))

        when: 'its buffered heartbeats are written'
        coalescer.offer(id, NOW + Duration.ofHours(2) + Duration.ofSeconds(10), 0L, 1, 'standby', [])
        coalescer.offer(id, NOW + Duration.ofHours(2) + Duration.ofSeconds(11), 0L, 1, 'standby', [])
        coalescer.flush()
        Map row = db.row(id)

        then: 'the replay recovers it, audited, and both heartbeats count'
        row.state == 'active'
        row.heartbeats_received == before + 2
        'peer.active' in db.auditOf(id)*.type
        id in changed
    }
}
