package dev.entente.heartbeat.doctor

import dev.entente.heartbeat.schedule.WorkerRuns
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.sql.Timestamp
import java.time.Duration
import java.time.Instant

/** DR005 against a real worker_runs table: a task is stalled after three missed intervals, a fresh hub is given that long. */
class WorkerCheckSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-11-27T12:00:00Z')
    static final Duration SWEEP = Duration.ofSeconds(10)
    static final Duration HEARTBEAT = Duration.ofSeconds(30)

    @Shared @AutoCleanup('close') def dataSource = PostgresFixture.migratedDatabase().dataSource()
    @Shared @AutoCleanup('close') Sql sql = Sql.newInstance(dataSource)

    def cleanup() {
        sql.execute('DELETE FROM worker_runs')
    }

    List<Map> findings(Duration up) {
        new WorkerCheck(new WorkerRuns(dataSource), SWEEP, HEARTBEAT, NOW - up).check().run(NOW)
                .collect { [subject: it.subject(), diagnosis: it.diagnosis(), severity: it.severity().value()] }
    }

    void started(String task, Duration ago) {
        sql.execute('INSERT INTO worker_runs (task, last_started_at) VALUES (?, ?)', [task, Timestamp.from(NOW - ago)])
    }

    def "a hub up for less than three intervals is not blamed for tasks that never ran"() {
        expect:
        findings(Duration.ofSeconds(30)).isEmpty()
        findings(Duration.ofSeconds(31)) == [[subject: 'stale_sweep', diagnosis: 'task stale_sweep has never run, and the hub '
                + 'has been up 31s (interval 10s); no worker is running', severity: 'error']]
    }

    def "tasks started within three intervals are running; older starts are stalled"() {
        given:
        started('stale_sweep', Duration.ofSeconds(25))
        started('heartbeat_sender', Duration.ofMinutes(2))

        expect:
        findings(Duration.ofHours(1)) == [[subject: 'heartbeat_sender', diagnosis: 'task heartbeat_sender last started '
                + '2m 0s ago, more than 3 intervals of 30s; no worker is running', severity: 'error']]
    }
}
