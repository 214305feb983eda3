package dev.entente.heartbeat.schedule

import com.zaxxer.hikari.HikariDataSource
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql
import spock.lang.Shared
import spock.lang.Specification
import spock.util.concurrent.PollingConditions

import javax.sql.DataSource
import java.sql.Timestamp
import java.time.Duration
import java.time.Instant

/**
 * Issue 11, item 8: after a pause or a replica's death, Quartz fired a job once per missed slot,
 * back to back (the stale sweep ran 5 times in 10 s on the survivor). Missed firings within the
 * misfire threshold must coalesce into one run. The threshold here is far above the pauses, so
 * Quartz's own misfire handling never skips anything and only the coalescing is under test.
 */
class MisfireCoalescingSpec extends Specification {
    static final Duration INTERVAL = Duration.ofSeconds(1)

    @Shared PostgresFixture.TestDatabase db
    @Shared Sql sql
    @Shared int clusters = 0

    List<WorkerScheduler> replicas = []
    List<HikariDataSource> pools = []
    String cluster
    def conditions = new PollingConditions(timeout: 30, delay: 0.1)

    def setupSpec() {
        db = PostgresFixture.migratedDatabase()
        sql = new Sql(db.dataSource())
        // test-only table: one row per run, with the scheduled time, the replica and when it ran
        sql.execute('''CREATE TABLE runs (
                           cluster   text        NOT NULL,
                           fire_time timestamptz NOT NULL,
                           replica   text        NOT NULL,
                           ran_at    timestamptz NOT NULL DEFAULT clock_timestamp())''')
    }

    def cleanupSpec() {
        sql?.close()
        (sql?.dataSource as HikariDataSource)?.close()
    }

    def setup() {
        // one Quartz cluster per feature, so one feature's firings never land in another's
        cluster = 'coalesce-' + (++clusters)
    }

    def cleanup() {
        replicas.each { r ->
            try {
                r.close()
            } catch (RuntimeException ignored) {
                // a replica killed by the feature cannot shut down cleanly
            }
        }
        pools*.close()
    }

    def "a scheduler paused for several intervals catches up with one run, not one per missed slot (issue 11)"() {
        given:
        def a = replica('a')

        when: 'it runs, then stands by for four intervals and resumes'
        a.start()
        conditions.eventually { assert runsBy('a').size() >= 2 }
        a.standby()
        def pausedAt = Instant.now()
        sleep(INTERVAL.multipliedBy(4).toMillis() + 500)
        def resumedAt = Instant.now()
        a.start()

        then: 'it keeps firing on schedule'
        conditions.eventually { assert runsBy('a').count { it.fire_time > resumedAt } >= 2 }

        and: 'of the slots missed while paused, at most one ran'
        runsBy('a').count { it.fire_time > pausedAt.plus(INTERVAL) && it.fire_time < resumedAt } <= 1

        and: 'no slot ran twice'
        runsBy('a')*.fire_time.toSet().size() == runsBy('a').size()
    }

    def "after a replica dies holding a firing, the survivor takes over with one run, not a burst (issue 11)"() {
        given: 'two replicas of one hub, each with its own pool; b stands by at first'
        def a = replica('a')
        def b = replica('b')
        a.start()
        b.start()
        b.standby()

        when: 'a fires, and dies just after a run, holding its next firing'
        conditions.eventually { assert runsBy('a').size() >= 2 }
        int seen = runsBy('a').size()
        conditions.eventually { assert runsBy('a').size() > seen }
        def diedAt = Instant.now()
        kill(a)

        and: 'b runs on'
        b.start()

        then: 'b takes over once cluster recovery has released the dead replica\'s firing'
        conditions.eventually { assert runsBy('b').size() >= 3 }

        and: 'of the slots missed while a was dead, b ran at most one'
        def firstByB = runsBy('b')*.ran_at.min()
        runsBy('b').count { it.fire_time < firstByB } <= 1

        and: 'nothing ran after a died on a, and no slot ran twice'
        runsBy('a').every { it.ran_at < diedAt.plusMillis(500) }
        def all = runsBy('a') + runsBy('b')
        all*.fire_time.toSet().size() == all.size()
    }

    def "a firing is superseded only when its next slot is already due"() {
        expect:
        TaskRunner.superseded(next, now) == superseded

        where:
        next                                    | now                                 | superseded
        null                                    | Instant.parse('2026-01-01T00:00:05Z') | false
        Instant.parse('2026-01-01T00:00:06Z')   | Instant.parse('2026-01-01T00:00:05Z') | false
        Instant.parse('2026-01-01T00:00:05Z')   | Instant.parse('2026-01-01T00:00:05Z') | true
        Instant.parse('2026-01-01T00:00:04Z')   | Instant.parse('2026-01-01T00:00:05Z') | true
    }

    /**
     * A replica on its own pool: quick check-ins and takeover as in {@link WorkerSchedulerConfiguration#fast()},
     * but a misfire threshold far above every pause here, as an operator may configure it.
     */
    private WorkerScheduler replica(String name) {
        def pool = db.dataSource()
        pools << pool
        def fast = WorkerSchedulerConfiguration.fast()
        def config = new WorkerSchedulerConfiguration(cluster, fast.threadCount(), fast.clusterCheckinInterval(),
                Duration.ofSeconds(60), fast.idleWait(), fast.drainTimeout())
        def s = new WorkerScheduler(pool, config)
        replicas << s
        s.schedule(recording(name, pool), INTERVAL)
        s
    }

    /**
     * What a kill -9 leaves, inside one JVM: the replica's connections die first, so nothing it
     * does afterwards reaches the database, then its threads stop without handing anything back.
     */
    private void kill(WorkerScheduler replica) {
        def pool = pools[replicas.indexOf(replica)]
        pool.close()
        try {
            replica.@scheduler.shutdown(false)
        } catch (Exception ignored) {
            // it cannot reach its database any more: that is the point
        }
    }

    /** A task like the real ones: it does its work in the database, on its replica's pool. */
    private Task recording(String replica, DataSource pool) {
        String c = cluster
        new Task() {
            String name() { 'sweep' }

            void run(Instant now) throws Exception {
                def conn = pool.connection
                try {
                    def ps = conn.prepareStatement('INSERT INTO runs (cluster, fire_time, replica) VALUES (?, ?, ?)')
                    ps.setString(1, c)
                    ps.setTimestamp(2, Timestamp.from(now))
                    ps.setString(3, replica)
                    ps.executeUpdate()
                    ps.close()
                } finally {
                    conn.close()
                }
            }
        }
    }

    private List<Map> runsBy(String replica) {
        sql.rows('SELECT fire_time, ran_at FROM runs WHERE cluster = ? AND replica = ? ORDER BY fire_time',
                [cluster, replica]).collect {
            [fire_time: (it.fire_time as Timestamp).toInstant(), ran_at: (it.ran_at as Timestamp).toInstant()]
        }
    }
}
