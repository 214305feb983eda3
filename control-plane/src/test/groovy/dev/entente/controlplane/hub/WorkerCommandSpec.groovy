package dev.entente.controlplane.hub

import static dev.entente.controlplane.TestHubs.eventually

import dev.entente.heartbeat.schedule.WorkerRuns
import dev.entente.heartbeat.sweep.StaleSweepTask
import dev.entente.lifecycle.db.Tx
import dev.entente.testkit.PostgresFixture
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.util.concurrent.TimeUnit

/** `entente worker`: the jobs alone, in their own process, against a hub's database. */
class WorkerCommandSpec extends Specification {
    static final String PASSPHRASE = 'worker-spec-passphrase-' + UUID.randomUUID()

    def "a worker process runs the stale sweep for a hub that runs none, and stops cleanly on SIGTERM"() {
        given: 'a hub on an external database with its in-process worker off'
        def db = PostgresFixture.emptyDatabase()
        def hubDir = Files.createTempDirectory('entente-worker-hub')
        Map flags = ['entente.data-dir': hubDir.toString(), 'entente.hub.bind': '127.0.0.1', 'entente.hub.port': 0,
                     'entente.db.url': db.jdbcUrl(), 'entente.db.user': db.user(), 'entente.db.password': db.password(),
                     'entente.worker.in-process': false]
        def hub = HubLauncher.launch(flags, null, ['ENTENTE_KEY_PASSPHRASE': PASSPHRASE], Clock.systemUTC())
        def runs = new WorkerRuns(hub.bean(Tx).dataSource())

        expect:
        hub.worker() == null
        runs.find(StaleSweepTask.NAME).isEmpty()

        when: 'a worker starts on the same database, with its own data dir and the hub key passphrase'
        def workerDir = Files.createTempDirectory('entente-worker')
        def worker = worker(workerDir, db)

        then:
        eventually(60) { output(workerDir).contains('Entente worker for hub ' + hub.hubId() + ' running') }
        eventually(60) { runs.find(StaleSweepTask.NAME).isPresent() }

        when:
        worker.destroy()

        then: 'the shutdown hook stops the scheduler, the context and the pool'
        worker.waitFor(30, TimeUnit.SECONDS)
        !output(workerDir).contains('Exception')

        cleanup:
        worker?.destroyForcibly()
        hub?.stop()
    }

    private static Process worker(Path dir, PostgresFixture.TestDatabase db) {
        String java = Path.of(System.getProperty('java.home'), 'bin', 'java').toString()
        String url = db.jdbcUrl() + (db.jdbcUrl().contains('?') ? '&' : '?') + 'user=' + db.user() + '&password=' + db.password()
        def pb = new ProcessBuilder([java, '-XX:TieredStopAtLevel=1', '-cp', System.getProperty('java.class.path'),
                                    'dev.entente.client.cli.Main', 'worker', '--data-dir', dir.toString(), '--db-url', url])
        pb.environment().put('ENTENTE_KEY_PASSPHRASE', PASSPHRASE)
        pb.environment().put('ENTENTE_SWEEP_INTERVAL', '2s')
        pb.redirectErrorStream(true)
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve('worker.out').toFile()))
        pb.start()
    }

    private static String output(Path dir) {
        Path out = dir.resolve('worker.out')
        Files.exists(out) ? out.text : ''
    }
}
