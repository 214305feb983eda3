package dev.entente.federation.peer

import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.sql.Timestamp
import java.time.Duration
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors

import static dev.entente.federation.peer.PeerFixture.NOW
import static dev.entente.federation.peer.PeerFixture.STALE_AFTER
import static dev.entente.federation.peer.PeerState.*

/** The stale sweep reads like the runbook: peers go quiet, get marked degraded, come back on their own. */
class StaleSweeperSpec extends Specification {
    @Shared @AutoCleanup PeerFixture db = new PeerFixture()
    @Shared StaleSweeper sweeper = new StaleSweeper(db.repository, db.peers, STALE_AFTER)

    def setup() {
        db.sql.execute('DELETE FROM peers')
    }

    def "quiet active peers become degraded with a reason; fresh ones and other states are left alone"() {
        given:
        UUID quiet = db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofSeconds(7)])
        UUID veryQuiet = db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofMinutes(90)])
        UUID fresh = db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofSeconds(2)])
        UUID suspended = db.peerIn(SUSPENDED, [last_heartbeat_at: NOW - Duration.ofHours(2)])
        UUID enrolled = db.peerIn(ENROLLED)

        when:
        SweepResult result = sweeper.sweep(NOW)

        then:
        result.examined() == 2
        result.markedDegraded() == 2
        result.conflictsSkipped() == 0
        db.row(quiet).subMap('state', 'degraded_reason') == [state: 'degraded', degraded_reason: 'no heartbeat for 7s (stale-after 5s)']
        db.row(veryQuiet).degraded_reason == 'no heartbeat for 1h30m (stale-after 5s)'
        db.row(fresh).state == 'active'
        db.row(suspended).state == 'suspended'
        db.row(enrolled).state == 'enrolled'
        db.auditOf(quiet)*.type == ['peer.degraded']
        db.auditOf(quiet)*.actor == [PeerLifecycle.SYSTEM_ACTOR]

        when: 'the quiet peer heartbeats again'
        db.peers.recordHeartbeat(quiet, NOW + Duration.ofSeconds(1), 3L, 1, 'standby', [])

        then: 'it is active again with no operator action, and the reason is gone'
        db.row(quiet).subMap('state', 'degraded_reason') == [state: 'active', degraded_reason: null]

        when: 'the sweep runs again at the same instant'
        SweepResult again = sweeper.sweep(NOW + Duration.ofSeconds(1))

        then: 'nothing more to do'
        again.markedDegraded() == 0
        db.row(quiet).state == 'active'
        db.row(veryQuiet).state == 'degraded'
        db.auditOf(veryQuiet).size() == 1
        db.auditChainVerifies()
    }

    def "sweeping twice is harmless"() {
        given:
        def ids = (1..5).collect { db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofMinutes(it)]) }

        when:
        SweepResult first = sweeper.sweep(NOW)
        SweepResult second = sweeper.sweep(NOW)

        then:
        first.markedDegraded() == 5
        second.examined() == 0 && second.markedDegraded() == 0
        ids.every { db.row(it).state == 'degraded' && db.auditOf(it).size() == 1 }
    }

    def "concurrent sweeps (two replicas) mark each peer once and report no errors"() {
        given:
        int n = 200
        db.sql.execute("""INSERT INTO peers (id, name, state, last_heartbeat_at)
                SELECT gen_random_uuid(), 'race-' || i, 'active', ?::timestamptz - make_interval(secs => 10 + i)
                FROM generate_series(1, ${n}) AS i""".toString(), [Timestamp.from(NOW)])
        def pool = Executors.newFixedThreadPool(3)
        def start = new CountDownLatch(1)

        when:
        def results = (1..3).collect {
            pool.submit({ start.await(); sweeper.sweep(NOW) } as Callable<SweepResult>)
        }
        start.countDown()
        List<SweepResult> done = results*.get()
        pool.shutdown()

        then:
        done*.markedDegraded().sum() == n
        db.sql.firstRow("SELECT count(*) AS c FROM peers WHERE state = 'degraded'").c == n
        db.sql.firstRow("SELECT count(*) AS c FROM audit_events WHERE type = 'peer.degraded'").c >= n
        db.auditChainVerifies()
    }

    def "sweeping 10,000 stale peers (duration printed, not asserted)"() {
        given:
        int n = 10_000
        db.sql.execute("""INSERT INTO peers (id, name, state, last_heartbeat_at)
                SELECT gen_random_uuid(), 'bulk-' || i, 'active', ?::timestamptz - make_interval(secs => 10 + i % 3600)
                FROM generate_series(1, ${n}) AS i""".toString(), [Timestamp.from(NOW)])
        // a few fresh ones that the index range must skip
        db.sql.execute("""INSERT INTO peers (id, name, state, last_heartbeat_at)
                SELECT gen_random_uuid(), 'live-' || i, 'active', ?::timestamptz FROM generate_series(1, 100) AS i""".toString(),
                [Timestamp.from(NOW)])

        when:
        SweepResult result = sweeper.sweep(NOW)
        println "stale sweep of ${n} peers: ${result.duration().toMillis()} ms " +
                "(${String.format('%.0f', n * 1000.0 / Math.max(1, result.duration().toMillis()))}/s), $result"

        then:
        result.examined() == n
        result.markedDegraded() == n
        db.sql.firstRow("SELECT count(*) AS c FROM peers WHERE state = 'active'").c == 100
    }

    def "the sweeper refuses a stale-after that differs from the lifecycle's"() {
        when:
        new StaleSweeper(db.repository, db.peers, Duration.ofMinutes(5))

        then:
        thrown(IllegalArgumentException)
    }
}
