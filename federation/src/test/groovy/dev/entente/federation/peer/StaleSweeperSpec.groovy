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
        db.auditAbout(quiet)*.type == ['peer.degraded']
        db.auditAbout(quiet)*.actor == [PeerLifecycle.SYSTEM_ACTOR]

        and: 'one audit event for the batch, listing both peers'
        db.sweepEvents()*.details*.subMap('event', 'from', 'to', 'count', 'stale_after') ==
                [[event: 'stale', from: 'active', to: 'degraded', count: 2, stale_after: '5s']]
        db.sweepEvents()[0].details.ids as Set == [quiet, veryQuiet]*.toString() as Set

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
        db.auditAbout(veryQuiet).size() == 1
        db.auditAbout(quiet)*.type == ['peer.degraded', 'peer.active']
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
        ids.every { db.row(it).state == 'degraded' && db.auditAbout(it).size() == 1 }
    }

    def "concurrent sweeps (#replicas replicas) mark each stale peer exactly once: one audit event per batch, no id twice"() {
        given: 'small batches, so the replicas really interleave'
        int n = 2_000
        db.sql.execute("""INSERT INTO peers (id, name, state, last_heartbeat_at)
                SELECT gen_random_uuid(), 'race-' || i, 'active', ?::timestamptz - make_interval(secs => 10 + i)
                FROM generate_series(1, ${n}) AS i""".toString(), [Timestamp.from(NOW)])
        def small = new StaleSweeper(db.repository, db.peers, STALE_AFTER, 25)
        def pool = Executors.newFixedThreadPool(replicas)
        def start = new CountDownLatch(1)
        int eventsBefore = db.sweepEvents().size()

        when:
        def results = (1..replicas).collect {
            pool.submit({ start.await(); small.sweep(NOW) } as Callable<SweepResult>)
        }
        start.countDown()
        List<SweepResult> done = results*.get()
        pool.shutdown()

        then:
        done*.markedDegraded().sum() == n
        db.sql.firstRow("SELECT count(*) AS c FROM peers WHERE state = 'degraded'").c == n
        db.sql.firstRow("SELECT count(*) AS c FROM peers WHERE state = 'degraded' AND version = 1").c == n

        and: 'the audit chain lists every marked peer once, in one event per batch'
        def events = db.sweepEvents().drop(eventsBefore)
        events.size() == done*.batches().sum()
        events.every { it.details.count == it.details.ids.size() && it.details.count <= 25 }
        def ids = events*.details*.ids.flatten()
        ids.size() == n
        (ids as Set).size() == n
        db.auditChainVerifies()

        where:
        replicas << [2, 3]
    }

    def "a heartbeat in flight during the sweep keeps the peer active: its locked row is skipped, then it is fresh"() {
        given:
        UUID live = db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofMinutes(10)])
        def stale = (1..50).collect { db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofMinutes(10)]) }

        and: 'the heartbeat has locked the row and written last_heartbeat_at, not yet committed'
        def heartbeat = db.dataSource.connection
        heartbeat.autoCommit = false
        def write = heartbeat.prepareStatement('UPDATE peers SET last_heartbeat_at = ? WHERE id = ?')
        write.setTimestamp(1, Timestamp.from(NOW))
        write.setObject(2, live)
        write.executeUpdate()

        when: 'the sweep runs meanwhile (it must not wait for the heartbeat), then the heartbeat commits'
        SweepResult during = sweeper.sweep(NOW)
        heartbeat.commit()
        SweepResult after = sweeper.sweep(NOW)

        then:
        during.markedDegraded() == 50
        during.conflictsSkipped() == 1
        after.examined() == 0 && after.markedDegraded() == 0
        db.row(live).state == 'active'
        db.auditAbout(live).isEmpty()
        stale.every { db.row(it).state == 'degraded' }

        cleanup:
        heartbeat?.close()
    }

    def "heartbeats racing two sweeps are never lost: every peer that heartbeats ends active, the rest degraded"() {
        given: '600 stale peers; 150 of them heartbeat while two replicas sweep'
        def ids = (1..600).collect { db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofSeconds(10 + it)]) }
        def beating = ids.take(150)
        def pool = Executors.newFixedThreadPool(5)
        def start = new CountDownLatch(1)
        def small = new StaleSweeper(db.repository, db.peers, STALE_AFTER, 20)
        int eventsBefore = db.sweepEvents().size()

        when:
        def sweeps = (1..2).collect { pool.submit({ start.await(); small.sweep(NOW) } as Callable<SweepResult>) }
        def beats = beating.collate(50).collect { chunk ->
            pool.submit({
                start.await()
                chunk.each { db.peers.recordHeartbeat(it, NOW, 0L, 1, 'standby', []) }
                true
            } as Callable<Boolean>)
        }
        start.countDown()
        sweeps*.get()
        beats*.get()
        pool.shutdown()

        then: 'no lost heartbeat, no stale mark left on a live peer'
        beating.every { db.row(it).state == 'active' && db.row(it).last_heartbeat_at.toInstant() == NOW }
        ids.drop(150).every { db.row(it).state == 'degraded' }

        and: 'a peer the sweep reached first was recovered by its heartbeat at once, audited; the others quietly'
        def marked = db.sweepEvents().drop(eventsBefore)*.details*.ids.flatten()
        marked.size() == (marked as Set).size()
        beating.every { id ->
            def types = db.auditAbout(id)*.type
            id.toString() in marked ? types == ['peer.degraded', 'peer.active'] : types.isEmpty()
        }
        db.auditChainVerifies()
    }

    def "the bulk path refuses a (from, event) the peer table does not allow"() {
        when:
        db.engine.applyBulk(PeerLifecycle.DEFINITION, DEGRADED, PeerEvent.STALE, PeerLifecycle.SYSTEM_ACTOR,
                dev.entente.lifecycle.engine.SqlFragment.of('true'), [:], [:])

        then:
        dev.entente.lifecycle.error.EntenteException e = thrown()
        e.code() == dev.entente.lifecycle.error.ErrorCode.TRANSITION_REJECTED
        e.detail() == 'cannot stale a degraded peer; allowed from degraded: heartbeat, suspend, revoke'
    }

    def "the SQL wording of a reason matches Durations.describe: #duration"() {
        expect:
        db.sql.firstRow("SELECT ${Durations.sqlDescribe('?::numeric')} AS f".toString(),
                [duration.toNanos() / 1_000_000_000.0]).f == Durations.describe(duration)

        where:
        duration << [Duration.ofMillis(250), Duration.ofSeconds(1), Duration.ofSeconds(7), Duration.ofMillis(7_900),
                     Duration.ofSeconds(59), Duration.ofMinutes(1), Duration.ofSeconds(61), Duration.ofMinutes(90),
                     Duration.ofHours(1), Duration.ofHours(24), Duration.ofSeconds(90_061), Duration.ofDays(12).plusMinutes(5)]
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
