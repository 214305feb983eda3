package dev.entente.heartbeat.schedule

import com.zaxxer.hikari.HikariDataSource
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql
import spock.lang.Shared
import spock.lang.Specification
import spock.util.concurrent.PollingConditions

import java.time.Duration
import java.time.Instant
import java.util.concurrent.atomic.AtomicInteger

/**
 * Issue 13, item 2: after NTP stepped a fast clock back, every job stalled until the wall clock
 * caught up with its old next fire time (four minutes without heartbeats). A step is noticed by
 * comparing the wall clock with the monotonic one, and the triggers are re-timed from the new time.
 */
class ClockStepSpec extends Specification {
    @Shared PostgresFixture.TestDatabase db
    @Shared Sql sql
    List<WorkerScheduler> schedulers = []
    def conditions = new PollingConditions(timeout: 20, delay: 0.1)

    def setupSpec() {
        db = PostgresFixture.migratedDatabase()
        sql = new Sql(db.dataSource())
    }

    def cleanupSpec() {
        sql?.close()
        (sql?.dataSource as HikariDataSource)?.close()
    }

    def cleanup() {
        schedulers*.close()
    }

    def "wall clock moved #wallMs ms while the monotonic clock moved #monoMs ms: step #step"() {
        given:
        long wall = 1_000_000
        long mono = 5_000_000_000
        List<Duration> reported = []
        def watch = new ClockStepWatch({ wall }, { mono }, ClockStepWatch.TOLERANCE, { reported << it })

        when:
        wall += wallMs
        mono += monoMs * 1_000_000L
        def seen = watch.check()

        then:
        seen == Duration.ofMillis(step)
        reported == (step == 0 ? [] : [Duration.ofMillis(step)])

        where:
        wallMs   | monoMs || step
        1_000    | 1_000  || 0          // time passing
        1_500    | 1_000  || 0          // jitter and slewing stay under the tolerance
        -300_000 | 1_000  || -301_000   // NTP steps a fast clock back five minutes
        601_000  | 1_000  || 600_000    // a slow clock set ten minutes ahead
        1_000    | 30_000 || -29_000    // a suspended VM: the wall clock stood still
    }

    def "triggers held back by a step are re-timed from the new time and run again at once"() {
        given: 'a task every second, running'
        String cluster = 'clock-step-' + System.nanoTime()
        def runs = new AtomicInteger()
        def scheduler = new WorkerScheduler(db.dataSource(), WorkerSchedulerConfiguration.fast().withClusterName(cluster))
        schedulers << scheduler
        scheduler.schedule(new Task() {
            String name() { 'sweep' }

            void run(Instant now) { runs.incrementAndGet() }
        }, Duration.ofSeconds(1))
        scheduler.start()
        conditions.eventually { assert runs.get() >= 2 }

        when: 'the wall clock is stepped ten minutes back: to Quartz every trigger is ten minutes away'
        scheduler.standby()
        sql.executeUpdate('UPDATE qrtz_triggers SET next_fire_time = ? WHERE sched_name = ?',
                [Instant.now().plus(Duration.ofMinutes(10)).toEpochMilli(), cluster])
        scheduler.start()
        int before = runs.get()
        sleep(2500)

        then: 'nothing runs'
        runs.get() == before

        when: 'the watch reports the step'
        int retimed = scheduler.clockStepped(Duration.ofMinutes(-10))

        then: 'the task runs again within its interval and keeps running'
        retimed == 1
        conditions.eventually { assert runs.get() >= before + 2 }
        scheduler.interval('sweep') == Optional.of(Duration.ofSeconds(1))
    }
}
