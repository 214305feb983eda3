package dev.entente.controlplane.hub

import dev.entente.lifecycle.db.Tx
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.heartbeat.schedule.WorkerRuns
import dev.entente.heartbeat.sweep.StaleSweepTask
import dev.entente.testkit.PostgresFixture
import spock.lang.Specification

import java.nio.file.Files
import java.time.Clock

/**
 * DESIGN §8: two hub processes on one PostgreSQL are one hub: same identity, either answers with
 * the other's admin token, and the clustered Quartz scheduler fires the stale sweep once per
 * interval across both (not once per process).
 */
class ScaleOutSpec extends Specification {

    def "two replicas on one database share identity and fire each sweep once per interval"() {
        given:
        def db = PostgresFixture.emptyDatabase()
        def env = [ENTENTE_KEY_PASSPHRASE: 'scale out spec']
        Map flags = ['entente.hub.bind': '127.0.0.1', 'entente.hub.port': 0, 'entente.db.url': db.jdbcUrl(),
                     'entente.db.user': db.user(), 'entente.db.password': db.password(), 'entente.sweep.interval': '1s']
        def one = HubLauncher.launch(flags + ['entente.data-dir': Files.createTempDirectory('replica-1').toString()], null, env, Clock.systemUTC())
        def two = HubLauncher.launch(flags + ['entente.data-dir': Files.createTempDirectory('replica-2').toString()], null, env, Clock.systemUTC())
        def runs = new WorkerRuns(one.bean(Tx).dataSource())

        expect: 'one identity, one operator-token key'
        one.hubId() == two.hubId()
        HubHttp.get(two.url() + '/api/v1/status', TestHubs.adminToken(one)).status == 200

        when: 'both run their in-process worker for a while'
        Thread.sleep(3000)
        long before = runs.find(StaleSweepTask.NAME).get().runs()
        long t0 = System.nanoTime()
        Thread.sleep(6000)
        long after = runs.find(StaleSweepTask.NAME).get().runs()
        double seconds = (System.nanoTime() - t0) / 1e9

        then: 'about one sweep per second in total, not one per replica'
        after - before >= 3
        after - before <= Math.ceil(seconds) + 1

        cleanup:
        two?.stop()
        one?.stop()
    }
}
