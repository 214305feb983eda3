package dev.entente.controlplane.worker

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.HubProcesses
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.TestHubs
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path
import java.time.Instant

import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 13, item 2, with the machine's clock itself stepped, as NTP does it, rather than the hub's
 * movable {@code Clock} bean ({@code HealthSpec}, {@code ClockStepSpec}): hub A runs as its own process
 * under libfaketime, whose offset file the spec rewrites while A runs. Everything in A's process sees
 * the step (Quartz, the JDK's TLS checks, its embedded PostgreSQL), and its monotonic clock does not,
 * exactly like a real step. Before the fix, a step back stalled every job until the wall clock caught
 * up with the old schedule (four minutes without heartbeats), and a hub whose clock ran ahead did not
 * report it itself.
 */
class MachineClockStepSpec extends Specification {
    static final Path LIBFAKETIME = Path.of('/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1')
    static final Map<String, String> FAST = [ENTENTE_HEARTBEAT_INTERVAL: '1s']

    Path dirA = Files.createTempDirectory('entente-clock-a')
    Path dirB = Files.createTempDirectory('entente-clock-b')
    Path offset = dirA.resolve('faketime-offset')
    Process a
    RunningHub b

    def setup() {
        assert Files.exists(LIBFAKETIME): 'libfaketime is missing: install the Debian package faketime (.ci/run does)'
    }

    def cleanup() {
        HubProcesses.stop(a)
        b?.stop()
        [dirA, dirB].each { it.toFile().deleteDir() }
    }

    def "A's machine clock is stepped back five minutes, then set ten minutes ahead: heartbeats go on, A audits the step and reports its own skew"() {
        given: 'hub A in its own process on a clock the spec can step, hub B on the real clock, linked'
        offset.text = '+0'
        a = HubProcesses.launch(dirA, [:], FAST + [
                LD_PRELOAD                  : LIBFAKETIME.toString(),
                FAKETIME_TIMESTAMP_FILE     : offset.toString(),
                FAKETIME_CACHE_DURATION     : '1',  // re-read the offset file at most once a second
                FAKETIME_DONT_FAKE_MONOTONIC: '1',  // NTP steps the wall clock only
                // with the monotonic clock left alone, libfaketime's fix for monotonic condition
                // waits makes every timed wait in the JVM return at once: its threads spin
                FAKETIME_FORCE_MONOTONIC_FIX: '0'],
                'hub-a')
        b = TestHubs.start(dirB, ['entente.hub.name': 'hub-b'], FAST)
        HubProcesses.awaitHealthy(dirA, a)
        def proposal = HubProcesses.cli(dirA, 'peers', 'propose', '--name', 'hub-b', '--output', 'json').json
        def accepted = HubProcesses.cli(dirB, 'peers', 'accept', '--token', proposal.acceptance_token, '--output', 'json')
        assert accepted.code == 0: accepted.err
        eventually(60) { peerOf(dirA).state == 'active' && peerOf(dirB).state == 'active' }

        when: 'NTP steps A back five minutes'
        offset.text = '-5m'
        Instant stepped = Instant.now()

        then: 'A notices the step and audits it'
        eventually(30) { events(dirA, 'worker.clock_stepped').any { (it.details?.step_ms as long) < -250_000 } }

        and: "A's heartbeats keep reaching B (by B's clock, after the step), and each side keeps the other active"
        eventually(30) { Instant.parse(peerOf(dirB).last_heartbeat_at as String) > stepped.plusSeconds(3) }
        peerOf(dirA).state == 'active'
        peerOf(dirB).state == 'active'

        and: "the local CLI still reaches A with admin.token, minted before the step (its iat is now ahead of A's clock)"
        HubProcesses.cli(dirA, 'status', '--output', 'json').code == 0

        and: 'A names its own clock as the one behind'
        eventually(90) { findings(dirA, 'DR020').any { it.diagnosis =~ /this hub's clock is [45]m \d+s behind its only measured peer, hub-b/ } }

        when: "A's clock is set ten minutes ahead of the real time"
        offset.text = '+10m'

        then: 'A, not only its peer, says its own clock is off, in doctor, status and /healthz'
        eventually(90) { findings(dirA, 'DR020').any { it.diagnosis =~ /this hub's clock is (9|10)m \d+s ahead of its only measured peer, hub-b/ } }
        HubHttp.get(HubProcesses.json(dirA).url + '/healthz').json.reasons.contains('clock_skew')
        HubProcesses.cli(dirA, 'status', '--output', 'json').json.clock.skewed

        and: "B sees A's clock ahead too (DR009), and the link holds"
        eventually(30) { findings(dirB, 'DR009') }
        peerOf(dirB).state == 'active'

        when: 'the time source is fixed'
        offset.text = '+0'

        then: 'the finding clears by itself and heartbeats still flow'
        eventually(120) { !findings(dirA, 'DR020') }
        peerOf(dirA).state == 'active'
    }

    private static Map peerOf(Path dir) {
        def r = HubProcesses.cli(dir, 'peers', 'list', '--output', 'json')
        assert r.code == 0: r.err
        (r.json as List<Map>).find { it.state != 'revoked' }
    }

    private static List<Map> events(Path dir, String type) {
        def r = HubProcesses.cli(dir, 'events', '--type', type, '--output', 'json')
        assert r.code == 0: r.err
        r.json as List<Map>
    }

    private static List<Map> findings(Path dir, String code) {
        def r = HubProcesses.cli(dir, 'doctor', '--output', 'json')
        ((r.json?.findings ?: []) as List<Map>).findAll { it.code == code }
    }
}
