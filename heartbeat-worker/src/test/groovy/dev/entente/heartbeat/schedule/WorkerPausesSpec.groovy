package dev.entente.heartbeat.schedule

import dev.entente.heartbeat.expiry.PauseExpiryTask
import dev.entente.lifecycle.audit.AuditKey
import dev.entente.lifecycle.audit.AuditKeyring
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.error.EntenteException
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset

/**
 * Issue 18: a paused job's firings are skipped and recorded as {@code paused}, on whichever
 * runner fires it; the tasks that end pauses are never paused; a pause with a deadline ends at
 * it, and the pause-expiry task removes it with a hub event.
 */
class WorkerPausesSpec extends Specification {
    @Shared def ds = PostgresFixture.migratedDatabase().dataSource()
    @Shared @AutoCleanup Sql sql = Sql.newInstance(ds)
    @Shared AuditLog audit = new AuditLog(new AuditKeyring() {
        AuditKey current() { new AuditKey('k1', new byte[32]) }

        Optional<AuditKey> byId(String id) { Optional.of(current()) }
    }, Clock.systemUTC())
    @Shared Instant t0 = Instant.parse('2026-11-28T03:00:00Z')

    def cleanupSpec() {
        ds?.close()
    }

    def setup() {
        sql.execute('DELETE FROM worker_pauses')
        sql.execute('DELETE FROM worker_runs')
    }

    static class Counting implements Task {
        final String name
        final boolean pausable
        int runs

        Counting(String name, boolean pausable = true) {
            this.name = name
            this.pausable = pausable
        }

        String name() { name }

        void run(Instant now) { runs++ }

        boolean pausable() { pausable }
    }

    private WorkerPauses pauses(Instant now, TaskRegistry tasks) {
        new WorkerPauses(ds, audit, Clock.fixed(now, ZoneOffset.UTC), tasks.&pausableNames)
    }

    @Unroll
    def "with #paused paused, a firing of #task is #outcome"() {
        given:
        def tasks = new TaskRegistry()
        def sweep = new Counting('stale_sweep')
        def scan = new Counting('governance_scan')
        def expiry = new Counting('pause_expiry', false)
        [sweep, scan, expiry].each { tasks.register(it) }
        def clock = Clock.fixed(t0, ZoneOffset.UTC)
        if (paused != null) {
            pauses(t0, tasks).pause(paused == 'all' ? null : paused, null, 'repair', 'alice')
        }
        def runner = new TaskRunner(tasks, new WorkerRuns(ds), clock, pauses(t0, tasks))

        when:
        def result = runner.run(task, t0)

        then:
        result.code() == outcome
        [sweep, scan, expiry].find { it.name() == task }.runs == (outcome == 'ok' ? 1 : 0)
        sql.firstRow('SELECT last_outcome FROM worker_runs WHERE task = ?', [task]).last_outcome == outcome

        where:
        paused            | task              || outcome
        null              | 'stale_sweep'     || 'ok'
        'stale_sweep'     | 'stale_sweep'     || 'paused'
        'stale_sweep'     | 'governance_scan' || 'ok'
        'all'             | 'stale_sweep'     || 'paused'
        'all'             | 'governance_scan' || 'paused'
        'all'             | 'pause_expiry'    || 'ok'
    }

    def "an unknown or unpausable job is refused with the valid names"() {
        given:
        def tasks = new TaskRegistry()
        tasks.register(new Counting('stale_sweep'))
        tasks.register(new Counting('pause_expiry', false))

        when:
        pauses(t0, tasks).pause(job, null, 'repair', 'alice')

        then:
        def e = thrown(EntenteException)
        e.code().code() == 'worker_job_unknown'
        e.extensions().valid_jobs == ['stale_sweep']

        where:
        job << ['sweep', 'pause_expiry']
    }

    def "a pause with a deadline ends at it by itself, and the expiry task records the hub event once"() {
        given:
        def tasks = new TaskRegistry()
        tasks.register(new Counting('stale_sweep'))
        pauses(t0, tasks).pause('stale_sweep', Duration.ofMinutes(30), 'repair', 'alice')
        Instant after = t0.plus(Duration.ofMinutes(30))

        expect: 'paused until the deadline, not at it'
        pauses(t0, tasks).pausing('stale_sweep', after.minusMillis(1)).isPresent()
        pauses(t0, tasks).pausing('stale_sweep', after).isEmpty()

        when:
        def task = new PauseExpiryTask(pauses(after, tasks), Clock.fixed(after, ZoneOffset.UTC))
        task.run(t0)
        task.run(t0)

        then:
        !task.pausable()
        sql.rows('SELECT * FROM worker_pauses').isEmpty()
        sql.rows("SELECT actor, subject FROM audit_events WHERE type = 'worker.resumed' AND actor = 'system:worker'")
                .collect { [it.actor, it.subject] }.count { it == ['system:worker', 'stale_sweep'] } >= 1
    }

    def "resume without a job ends every pause; resuming what is not paused is a no-op"() {
        given:
        def tasks = new TaskRegistry()
        tasks.register(new Counting('stale_sweep'))
        tasks.register(new Counting('governance_scan'))
        def p = pauses(t0, tasks)
        p.pause(null, null, 'db repair', 'alice')
        p.pause('stale_sweep', null, 'peer repair', 'bob')

        expect:
        p.list(t0)*.job == ['*', 'stale_sweep']
        p.pausing('stale_sweep', t0).get().pausedBy() == 'bob'
        p.pausing('governance_scan', t0).get().job() == '*'

        when:
        def left = p.resume('stale_sweep', 'alice')

        then: 'the pause of every job still holds it'
        left*.job == ['*']
        p.pausing('stale_sweep', t0).get().job() == '*'

        when:
        p.resume(null, 'alice')
        p.resume(null, 'alice')

        then:
        p.list(t0).isEmpty()
    }
}
