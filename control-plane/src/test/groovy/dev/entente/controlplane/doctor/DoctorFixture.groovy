package dev.entente.controlplane.doctor

import dev.entente.lifecycle.db.Tx
import dev.entente.client.cli.Main
import dev.entente.controlplane.docs.RunbookSpec
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.HubLauncher
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import groovy.sql.Sql

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneId
import java.time.ZoneOffset

/** Real hubs with a movable clock, the CLI as operators run it, and the assertions every doctor spec shares. */
class DoctorFixture {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '3s',
                             'entente.sweep.interval': '1s']

    /** Real time plus an offset a spec moves: heartbeats and sweeps keep running while "now" jumps. */
    static class MutableClock extends Clock {
        volatile Duration offset = Duration.ZERO

        void advance(Duration d) {
            offset = offset + d
        }

        ZoneId getZone() { ZoneOffset.UTC }

        Clock withZone(ZoneId zone) { this }

        Instant instant() { Instant.now() + offset }
    }

    static RunningHub start(String name, MutableClock clock, Map extra = [:], Path dir = Files.createTempDirectory('entente-doctor')) {
        Map<String, Object> flags = ['entente.data-dir': dir.toString(), 'entente.hub.bind': '127.0.0.1',
                                     'entente.hub.port': 0, 'entente.hub.name': name] + extra
        HubLauncher.launch(flags, null, [:], clock)
    }

    /** Runs {@code entente ...} against the hub's data dir, as an operator on its machine would. */
    static Map cli(RunningHub hub, String... args) {
        TestHubs.cli(hub, args)
    }

    /** {@code entente doctor --output json}: exit code and report; every next command must parse. */
    static Map doctor(RunningHub hub) {
        def r = cli(hub, 'doctor', '--output', 'json')
        assert r.json != null: r.err
        r.json.findings.each { f ->
            assert f.next_command.startsWith('entente ')
            assert Main.parses(RunbookSpec.tokens(f.next_command).drop(1) as String[]): f.next_command
        }
        assert r.code == (r.json.findings.any { it.severity == 'error' } ? 1 : 0)
        assert r.json.ok == (r.code == 0)
        [code: r.code, ok: r.json.ok, findings: r.json.findings]
    }

    static List<Map> findings(RunningHub hub, String code) {
        doctor(hub).findings.findAll { it.code == code }
    }

    static Object sql(RunningHub hub, Closure work) {
        Sql sql = Sql.newInstance(hub.bean(Tx).dataSource())
        try {
            work(sql)
        } finally {
            sql.close()
        }
    }

    static boolean eventually(int seconds, Closure<Boolean> condition) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L
        while (System.nanoTime() < deadline) {
            try {
                if (condition()) {
                    return true
                }
            } catch (AssertionError | Exception ignored) {
                // not yet
            }
            Thread.sleep(250)
        }
        assert condition()
        true
    }

    static int freePort() {
        new ServerSocket(0).withCloseable { it.localPort }
    }
}
