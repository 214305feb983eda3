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
 * DESIGN.md §8: several hub processes share one PostgreSQL and Quartz runs clustered, so each
 * job fires once per interval across replicas. Two schedulers in this JVM, each with its own
 * pool, stand in for two hub processes.
 */
class ClusteredSchedulingSpec extends Specification {
    @Shared HikariDataSource poolA
    @Shared HikariDataSource poolB
    @Shared Sql sql

    List<WorkerScheduler> replicas = []
    def conditions = new PollingConditions(timeout: 10, delay: 0.1)

    def setupSpec() {
        def db = PostgresFixture.migratedDatabase()
        poolA = db.dataSource()
        poolB = db.dataSource()
        sql = new Sql(poolA)
        // test-only table: one row per firing, with the scheduled time and who ran it
        sql.execute('''CREATE TABLE firings (
                           fire_time timestamptz NOT NULL,
                           replica   text        NOT NULL,
                           ran_at    timestamptz NOT NULL DEFAULT clock_timestamp())''')
    }

    def cleanupSpec() {
        sql?.close()
        poolA?.close()
        poolB?.close()
    }

    def cleanup() {
        replicas*.close()
    }

    def "two hub processes on one database run each scheduled firing exactly once, and each takes over when the other stops"() {
        given: 'two replicas of one hub register the same job, each with its own pool'
        def a = replica(poolA)
        def b = replica(poolB)

        expect:
        a.schedule(counting('a', poolA), Duration.ofSeconds(1)) == ScheduleChange.CREATED
        b.schedule(counting('b', poolB), Duration.ofSeconds(1)) == ScheduleChange.UNCHANGED

        when: 'both run side by side'
        a.start()
        b.start()
        sleep(3000)

        and: 'a goes to standby'
        a.standby()
        def aStopped = Instant.now()

        then: 'b keeps firing, a stops'
        conditions.eventually { assert firingsBy('b', aStopped) >= 2 }
        firingsBy('a', aStopped.plusMillis(500)) == 0

        when: 'a resumes and b shuts down'
        a.start()
        b.close()
        def bStopped = Instant.now()

        then: 'a keeps firing, b never again'
        conditions.eventually { assert firingsBy('a', bStopped) >= 2 }
        firingsBy('b', bStopped) == 0

        when:
        a.close()
        def fireTimes = sql.rows('SELECT fire_time FROM firings ORDER BY fire_time').collect { (it.fire_time as Timestamp).toInstant() }

        then: 'no scheduled fire time ran twice'
        sql.rows('SELECT fire_time, count(*) AS n FROM firings GROUP BY fire_time HAVING count(*) > 1').isEmpty()

        and: 'both replicas ran the job'
        sql.rows('SELECT DISTINCT replica FROM firings ORDER BY replica')*.replica == ['a', 'b']

        and: 'firings stayed on the one-second grid with no long hole at the handovers'
        fireTimes.size() >= 6
        (1..<fireTimes.size()).every { Duration.between(fireTimes[it - 1], fireTimes[it]).toMillis() % 1000 == 0 }
        (1..<fireTimes.size()).collect { Duration.between(fireTimes[it - 1], fireTimes[it]) }.max() <= Duration.ofSeconds(5)
    }

    private WorkerScheduler replica(DataSource pool) {
        def s = new WorkerScheduler(pool, WorkerSchedulerConfiguration.fast())
        replicas << s
        s
    }

    /** A task like the real ones: it does its work in the database, on its replica's pool. */
    private static Task counting(String replica, DataSource pool) {
        new Task() {
            String name() { 'count' }

            void run(Instant now) throws Exception {
                def conn = pool.connection
                try {
                    def ps = conn.prepareStatement('INSERT INTO firings (fire_time, replica) VALUES (?, ?)')
                    ps.setTimestamp(1, Timestamp.from(now))
                    ps.setString(2, replica)
                    ps.executeUpdate()
                    ps.close()
                } finally {
                    conn.close()
                }
            }
        }
    }

    private int firingsBy(String replica, Instant after) {
        sql.firstRow('SELECT count(*) AS n FROM firings WHERE replica = ? AND ran_at > ?', [replica, Timestamp.from(after)]).n as int
    }
}
