package dev.entente.heartbeat.schedule

import com.zaxxer.hikari.HikariDataSource
import dev.entente.lifecycle.audit.AuditKey
import dev.entente.lifecycle.audit.AuditKeyring
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql
import spock.lang.Shared
import spock.lang.Specification
import spock.util.concurrent.PollingConditions

import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList

class WorkerSchedulerSpec extends Specification {
    @Shared HikariDataSource dataSource
    @Shared Sql sql
    @Shared WorkerRuns runs
    @Shared int clusters = 0

    List<WorkerScheduler> schedulers = []
    String cluster
    def conditions = new PollingConditions(timeout: 10, delay: 0.2)

    def setupSpec() {
        dataSource = PostgresFixture.migratedDatabase().dataSource()
        sql = new Sql(dataSource)
        runs = new WorkerRuns(dataSource)
    }

    def cleanupSpec() {
        sql?.close()
        dataSource?.close()
    }

    def setup() {
        // one Quartz cluster per feature, so one feature's jobs never fire in another's
        cluster = "spec-" + (++clusters)
    }

    def cleanup() {
        schedulers*.close()
    }

    def "a task scheduled every second runs repeatedly and worker_runs shows runs, duration and outcome"() {
        given:
        def fireTimes = new CopyOnWriteArrayList<Instant>()
        def replica = replica()

        when:
        def change = replica.schedule(task('tick') { Instant now -> fireTimes << now; sleep(30) }, Duration.ofSeconds(1))
        replica.start()

        then:
        change == ScheduleChange.CREATED
        conditions.eventually { assert runs.find('tick').get().runs() >= 3 }

        and: 'the last run is recorded with its duration and outcome'
        def run = runs.find('tick').get()
        run.outcome().get() == RunOutcome.OK
        run.lastError() == null
        run.lastDuration() >= Duration.ofMillis(30)
        run.lastDuration() < Duration.ofSeconds(1)
        !run.lastFinishedAt().isBefore(run.lastStartedAt())

        and: 'the task got the scheduled fire times, one second apart'
        fireTimes.size() >= 3
        (1..<fireTimes.size()).every { Duration.between(fireTimes[it - 1], fireTimes[it]).toMillis() % 1000 == 0 }
    }

    def "a failing task keeps being scheduled and records the error"() {
        given:
        def replica = replica()
        replica.schedule(task('boom') { Instant now -> throw new IllegalStateException('database on fire') }, Duration.ofSeconds(1))

        when:
        replica.start()

        then:
        conditions.eventually { assert runs.find('boom').get().runs() >= 2 }
        def run = runs.find('boom').get()
        run.outcome().get() == RunOutcome.FAILED
        run.lastError() == 'IllegalStateException: database on fire'

        and: 'the trigger is still live and the task keeps running'
        replica.interval('boom') == Optional.of(Duration.ofSeconds(1))
        triggerState('boom') != 'ERROR'
        conditions.eventually { assert runs.find('boom').get().runs() >= run.runs() + 1 }
    }

    def "with an audit log, a task that starts failing and one that recovers are one event each, not one per run"() {
        given:
        def keys = new AuditKeyring() {
            final AuditKey key = new AuditKey('k1', ('k' * 32).bytes)
            AuditKey current() { key }
            Optional<AuditKey> byId(String id) { Optional.of(key) }
        }
        def audit = new AuditLog(keys, Clock.systemUTC())
        def audited = new WorkerRuns(dataSource, audit)
        def task = "flaky-" + cluster
        def t0 = Instant.now()
        def record = { RunOutcome outcome, String error ->
            audited.recordFinish(task, t0, t0, Duration.ofMillis(3), outcome, error)
        }

        when:
        record(RunOutcome.OK, null)
        3.times { record(RunOutcome.FAILED, 'SQLException: connection refused') }
        2.times { record(RunOutcome.OK, null) }
        def events = sql.rows("SELECT type, actor, subject, details FROM audit_events WHERE subject = ? ORDER BY seq", [task])

        then:
        events*.type == ['worker.task_failed', 'worker.task_recovered']
        events.every { it.actor == 'system:worker' }
        events[0].details.contains('connection refused')
        audited.find(task).get().runs() == 6
    }

    def "re-registering the same job, on the same or another replica, does not duplicate or reset it"() {
        given:
        def first = replica()
        def second = replica()
        def tick = task('steady') { Instant now -> }

        when:
        def created = first.schedule(tick, Duration.ofSeconds(1))
        def stored = trigger('steady')
        def again = first.schedule(tick, Duration.ofSeconds(1))
        def fromOtherReplica = second.schedule(task('steady') { Instant now -> }, Duration.ofSeconds(1))

        then:
        created == ScheduleChange.CREATED
        again == ScheduleChange.UNCHANGED
        fromOtherReplica == ScheduleChange.UNCHANGED

        and: 'one job, one trigger, same start and next fire time'
        count('qrtz_job_details', 'job_name', 'steady') == 1
        count('qrtz_triggers', 'trigger_name', 'steady') == 1
        trigger('steady') == stored
    }

    def "changing the interval updates the trigger in place"() {
        given:
        def hub = replica()
        def other = replica()
        def sweep = task('sweep') { Instant now -> }
        hub.schedule(sweep, Duration.ofSeconds(1))

        when:
        def change = hub.schedule(sweep, Duration.ofSeconds(3))

        then:
        change == ScheduleChange.UPDATED
        hub.interval('sweep') == Optional.of(Duration.ofSeconds(3))
        other.interval('sweep') == Optional.of(Duration.ofSeconds(3))
        sql.firstRow("SELECT repeat_interval FROM qrtz_simple_triggers WHERE sched_name = $cluster AND trigger_name = 'sweep'").repeat_interval == 3000
        count('qrtz_triggers', 'trigger_name', 'sweep') == 1

        and: 'the same interval again is a no-op'
        hub.schedule(sweep, Duration.ofSeconds(3)) == ScheduleChange.UNCHANGED
        other.schedule('sweep', Duration.ofSeconds(3), TaskJob, [task: 'sweep']) == ScheduleChange.UNCHANGED
    }

    def "a replica that wins a firing for a task it does not have records it as unregistered"() {
        given: 'one replica registers the job but never starts; another, without the task, runs'
        replica().schedule(task('orphan') { Instant now -> }, Duration.ofSeconds(1))
        def bare = replica()

        when:
        bare.start()

        then:
        conditions.eventually { assert runs.find('orphan').flatMap { it.outcome() } == Optional.of(RunOutcome.UNREGISTERED) }
        runs.find('orphan').get().lastError().contains('no task named orphan is registered on this replica')
        runs.all()*.task().contains('orphan')
    }

    private WorkerScheduler replica() {
        def s = new WorkerScheduler(dataSource, WorkerSchedulerConfiguration.fast().withClusterName(cluster))
        schedulers << s
        s
    }

    private static Task task(String name, Closure body) {
        new Task() {
            String name() { name }

            void run(Instant now) throws Exception { body.call(now) }
        }
    }

    private String triggerState(String name) {
        sql.firstRow("SELECT trigger_state FROM qrtz_triggers WHERE sched_name = $cluster AND trigger_name = $name").trigger_state
    }

    private Map trigger(String name) {
        new LinkedHashMap(sql.firstRow("SELECT start_time, next_fire_time, job_name FROM qrtz_triggers WHERE sched_name = $cluster AND trigger_name = $name"))
    }

    private int count(String table, String column, String name) {
        sql.firstRow("SELECT count(*) AS n FROM " + table + " WHERE sched_name = ? AND " + column + " = ?", [cluster, name]).n as int
    }
}
