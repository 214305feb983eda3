package dev.entente.controlplane.federation

import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.peer.Peer
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 13 item 3, the other permanent lockout: hub A rotates its federation CA while B is down and
 * forces the rotation past B ({@code ca rotate advance --force}), then drops the old key. B comes
 * back holding a node certificate under a key A no longer trusts. Both doctors name the peer and the
 * command, A's audit names B, and {@code peers reenroll} (a token on A, used on B) restores the link
 * with the same peer ids and grants.
 */
@Stepwise
class ForcedRotationReenrolmentSpec extends Specification {
    @Shared Path dirB = Files.createTempDirectory('entente-forced-b')
    @Shared int portB = freePort()
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String bOnA
    @Shared String aOnB
    @Shared String grantId
    @Shared String oldSerial

    def setupSpec() {
        a = start('hub-a', new MutableClock(), FAST)
        b = startB()
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "with B down, A forces its CA rotation past B and drops the old key"() {
        given:
        Map proposed = null
        eventually(120) { (proposed = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json')).code == 0 }
        bOnA = proposed.json.peer.id
        def accepted = cli(b, 'peers', 'accept', '--token', proposed.json.acceptance_token, '--output', 'json')
        assert accepted.code == 0: accepted.err
        aOnB = accepted.json.peer.id
        assert eventually(60) { state(a, bOnA) == 'active' && state(b, aOnB) == 'active' }
        grantId = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--expires-in', '30d', '--output', 'json').json.grant.id
        oldSerial = peer(a, bOnA).nodeCertSerial()

        when:
        b.stop()
        assert cli(a, 'ca', 'rotate', 'start').code == 0
        assert cli(a, 'ca', 'rotate', 'advance').code == 0
        def refused = cli(a, 'ca', 'rotate', 'advance', '--output', 'json')
        def forced = cli(a, 'ca', 'rotate', 'advance', '--force', '--output', 'json')
        def dropped = cli(a, 'ca', 'rotate', 'advance', '--output', 'json')

        then: 'the plain advance names B as a laggard; the forced one goes through'
        refused.code == 1
        refused.err.contains('rotation_laggards')
        refused.err.contains('hub-b')
        forced.code == 0
        dropped.code == 0
        cli(a, 'ca', 'status', '--output', 'json').json[0].phase == 'standby'
    }

    def "B comes back cut off: A refuses it as B, and both doctors name the peer and the command"() {
        when:
        b = startB()

        then: 'A refuses B\'s heartbeats and its audit names B, not anonymous'
        eventually(60) {
            cli(a, 'audit', 'ls', '--type', 'access.denied', '--output', 'json').json
                    .any { it.code == 'client_cert_untrusted' && it.actor == 'peer:' + bOnA }
        }

        and: 'A, which issued the certificate under the dropped key, says to mint a token for B'
        eventually(45) { findings(a, 'DR021').any { it.subject == bOnA } }
        def issued = findings(a, 'DR021').find { it.subject == bOnA }
        issued.severity == 'error'
        issued.diagnosis.contains('hub-b')
        issued.next_command == 'entente peers reenroll ' + bOnA

        and: 'B says A refuses its certificate and names A\'s hub and the command'
        eventually(45) { findings(b, 'DR022').any { it.subject == aOnB } }
        def own = findings(b, 'DR022').find { it.subject == aOnB }
        own.severity == 'error'
        own.diagnosis.contains('hub-a')
        own.diagnosis.contains("entente peers reenroll ${b.hubId()}")
        own.next_command == 'entente peers reenroll --token TOKEN'

        and: 'B\'s certificate is not renewed by itself (A may still show B active: its own heartbeats to B succeed)'
        peer(a, bOnA).nodeCertSerial() == oldSerial
    }

    def "peers reenroll restores the link under the new key: heartbeats flow, ids and grants kept"() {
        when:
        def minted = cli(a, 'peers', 'reenroll', bOnA, '--output', 'json')
        assert minted.code == 0: minted.err
        def used = cli(b, 'peers', 'reenroll', '--token', minted.json.reenrolment_token, '--output', 'json')

        then:
        used.code == 0
        used.json.peer.id == aOnB
        eventually(60) { state(a, bOnA) == 'active' && state(b, aOnB) == 'active' }
        eventually(45) { peer(a, bOnA).lastHeartbeatError() == null && peer(b, aOnB).lastHeartbeatError() == null }
        peer(a, bOnA).hubId() == b.hubId()
        peer(b, aOnB).hubId() == a.hubId()
        peer(a, bOnA).nodeCertSerial() != oldSerial
        cli(a, 'grants', 'show', grantId, '--output', 'json').json.state == 'active'

        and: 'heartbeats keep arriving on both sides'
        long receivedA = peer(a, bOnA).heartbeatsReceived()
        long receivedB = peer(b, aOnB).heartbeatsReceived()
        eventually(30) { peer(a, bOnA).heartbeatsReceived() > receivedA && peer(b, aOnB).heartbeatsReceived() > receivedB }

        and: 'both doctors are quiet about the link'
        eventually(45) { (findings(a, 'DR021') + findings(a, 'DR022')).every { it.subject != bOnA } }
        eventually(45) { (findings(b, 'DR021') + findings(b, 'DR022')).every { it.subject != aOnB } }
    }

    private RunningHub startB() {
        start('hub-b', new MutableClock(), FAST + ['entente.hub.port': portB], dirB)
    }

    private static Peer peer(RunningHub hub, String id) {
        hub.bean(FederationService).peers().find(UUID.fromString(id)).get()
    }

    private static String state(RunningHub hub, String id) {
        peer(hub, id).state().value()
    }
}
