package dev.entente.controlplane.federation

import dev.entente.controlplane.HubProcesses
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.handshake.HandshakeStep
import spock.lang.Specification
import spock.lang.Unroll

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * Issue 11, items 5 and 8: a hub killed at any step boundary of the handshake (DESIGN §4) leaves a
 * state the link recovers from. The hub under test runs as a separate process, started with
 * {@code entente.testing.crash-at=<step>}, and halts there with no cleanup, as {@code kill -9}
 * would; its partner, which never dies, runs in this JVM (a process start costs more than the
 * handshake it serves, and 13 cases start 39 hubs). After it restarts, the recovery path for that step (the link completing by itself, the
 * accepter running {@code peers accept} again with the same token, or revoke and link again) must
 * end with each hub holding one live peer for the other, both active, heartbeats flowing.
 */
class HandshakeCrashSpec extends Specification {
    static final Map<String, String> FAST = [ENTENTE_HEARTBEAT_INTERVAL: '1s']

    /** Each step boundary and the recovery path the operators take after a crash there. */
    static final List<List> CASES = [
            [HandshakeStep.B_BEFORE_ACCEPT, 'retry'],
            [HandshakeStep.A_TOKEN_VERIFIED, 'retry'],
            [HandshakeStep.A_ACCEPTED, 'retry'],
            [HandshakeStep.A_ACCEPTED, 'relink'],
            [HandshakeStep.A_ANSWERED, 'retry'],
            [HandshakeStep.B_ANSWER_RECEIVED, 'retry'],
            [HandshakeStep.B_PEER_STORED, 'retry'],
            [HandshakeStep.B_PEER_STORED, 'relink'],
            [HandshakeStep.B_PEER_STORED, 'new token'],
            [HandshakeStep.B_ENROLLED, 'itself'],
            [HandshakeStep.A_COMPLETE_RECEIVED, 'itself'],
            [HandshakeStep.A_ENROLLED, 'itself'],
            [HandshakeStep.B_COMPLETED, 'itself'],
    ]

    Path dirA = Files.createTempDirectory('entente-crash-a')
    Path dirB = Files.createTempDirectory('entente-crash-b')
    // fixed ports: the token carries A's URL and A pins B's, so a restarted hub must come back on them
    Map<Path, Integer> ports = [(dirA): HubProcesses.freePort(), (dirB): HubProcesses.freePort()]
    List<Process> processes = []
    RunningHub partner

    def cleanup() {
        processes.each { HubProcesses.stop(it) }
        partner?.stop()
    }

    @Unroll
    def "a crash of #step.value() recovers by #recovery (issue 11)"() {
        given: 'hub A (proposer) and hub B (accepter), the one under test set to crash at the step'
        boolean crashA = step.name().startsWith('A_')
        def crashing = crashA ? start(dirA, 'hub-a', step) : start(dirB, 'hub-b', step)
        partner = crashA ? startPartner(dirB, 'hub-b') : startPartner(dirA, 'hub-a')
        await(crashA ? dirA : dirB, crashing)
        String hubA = HubProcesses.json(dirA).hub_id
        String hubB = HubProcesses.json(dirB).hub_id

        when: 'A proposes and B accepts'
        def proposal = HubProcesses.cli(dirA, 'peers', 'propose', '--name', 'hub-b', '--output', 'json').json
        def accepted = HubProcesses.cli(dirB, 'peers', 'accept', '--token', proposal.acceptance_token, '--output', 'json')
        def crashed = crashing
        Path crashedDir = crashA ? dirA : dirB

        then: 'the hub under test died at exactly that step'
        crashed.waitFor(60, TimeUnit.SECONDS)
        crashed.exitValue() == 137
        HubProcesses.output(crashedDir).contains('crash point ' + step.value() + ' reached')
        // the operator on B sees a failure unless only A's step-3 half died (B then says heartbeats retry it)
        (accepted.code == 0) == (step in [HandshakeStep.A_COMPLETE_RECEIVED, HandshakeStep.A_ENROLLED])

        when: 'it comes back on the same data dir, without the crash point'
        def again = start(crashedDir, crashA ? 'hub-a' : 'hub-b', null)
        await(crashedDir, again)

        and: 'the operators take the recovery path for this step'
        switch (recovery) {
            case 'itself':
                break
            case 'retry':
                def retried = HubProcesses.cli(dirB, 'peers', 'accept', '--token', proposal.acceptance_token, '--output', 'json')
                assert retried.code == 0: retried.err
                break
            case 'relink':
                revokeLive(dirA, hubB)
                revokeLive(dirB, hubA)
                relink()
                break
            case 'new token':
                // only the proposer starts over: B's half-finished peer must not block the new token
                revokeLive(dirA, hubB)
                relink()
                break
        }

        then: 'each hub holds exactly one live peer for the other, both active, with its real hub id and url'
        TestHubs.eventually(60) { active(dirA, hubB) && active(dirB, hubA) }
        live(dirA).size() == 1
        live(dirB).size() == 1
        live(dirA)[0].url == HubProcesses.json(dirB).url
        live(dirB)[0].url == HubProcesses.json(dirA).url

        and: 'heartbeats keep arriving on both sides'
        def seenA = live(dirA)[0].last_heartbeat_at
        def seenB = live(dirB)[0].last_heartbeat_at
        TestHubs.eventually(30) {
            live(dirA)[0].last_heartbeat_at > seenA && live(dirB)[0].last_heartbeat_at > seenB
        }

        where:
        [step, recovery] << CASES
    }

    def "the table covers every step boundary of the handshake on both sides"() {
        expect:
        CASES.collect { it[0] } as Set == HandshakeStep.values() as Set
        HandshakeStep.values().collect { it.name()[0] } as Set == ['A', 'B'] as Set
    }

    private Process start(Path dir, String name, HandshakeStep crashAt) {
        def p = HubProcesses.launch(dir, crashAt == null ? [:] : [(HandshakeStep.PROPERTY): crashAt.value()], FAST, name,
                ports[dir])
        processes << p
        p
    }

    /** The hub that is not under test: in this JVM, on its fixed port, writing hub.json as a process does. */
    private RunningHub startPartner(Path dir, String name) {
        TestHubs.start(dir, ['entente.hub.port': ports[dir], 'entente.hub.name': name], FAST)
    }

    private static void await(Path dir, Process p) {
        HubProcesses.awaitHealthy(dir, p)
    }

    private void relink() {
        def proposal = HubProcesses.cli(dirA, 'peers', 'propose', '--name', 'hub-b-again', '--output', 'json').json
        def accepted = HubProcesses.cli(dirB, 'peers', 'accept', '--token', proposal.acceptance_token, '--output', 'json')
        assert accepted.code == 0: accepted.err
    }

    /** Revokes the live peer for {@code hubId} on the hub in {@code dir}, if there is one. */
    private static void revokeLive(Path dir, String hubId) {
        live(dir).findAll { it.hub_id == hubId || it.hub_id == null }.each {
            def r = HubProcesses.cli(dir, 'peers', 'revoke', it.id as String, '--reason', 'relinking after a crash')
            assert r.code == 0: r.err
        }
    }

    private static List<Map> live(Path dir) {
        def r = HubProcesses.cli(dir, 'peers', 'list', '--output', 'json')
        assert r.code == 0: r.err
        (r.json as List<Map>).findAll { it.state != 'revoked' }
    }

    private static boolean active(Path dir, String hubId) {
        def peers = live(dir)
        peers.size() == 1 && peers[0].hub_id == hubId && peers[0].state == 'active' && peers[0].last_heartbeat_at != null
    }
}
