package dev.entente.controlplane.ca

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.HubProcesses
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.cliAs
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 13, "laggards are listed by id only": A rotates its federation CA while B is down. `ca
 * status`, the DR013 finding and the refused advance each name the laggard (name, URL, state,
 * the serial of its certificate under the old key, its last heartbeat); B started again renews
 * under the new key and the advance goes through.
 */
@Stepwise
class RotationLaggardsSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '3s',
                             'entente.sweep.interval': '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared Path dirB
    @Shared int portB
    @Shared String peerBonA
    @Shared Map before

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('laggards-a'), FAST + ['entente.hub.name': 'hub-a'])
        dirB = Files.createTempDirectory('laggards-b')
        portB = HubProcesses.freePort()
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': portB])
        peerBonA = TestHubs.link(a, b, 'hub-b')
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "B down, A's rotation in update_clients: ca status names the laggard, its URL, old-key certificate and last heartbeat"() {
        given:
        before = peer()
        b.stop()

        when:
        assert cli(a, 'ca', 'rotate', 'start').code == 0
        assert cli(a, 'ca', 'rotate', 'advance').code == 0
        def status = cli(a, 'ca', 'status', '--output', 'json').json[0]

        then:
        status.phase == 'update_clients'
        status.laggards == [peerBonA]
        status.laggard_peers.size() == 1
        def laggard = status.laggard_peers[0]
        laggard.peer_id == peerBonA
        laggard.name == 'hub-b'
        laggard.url == before.url
        laggard.last_heartbeat_at != null
        laggard.node_certs*.serial.contains(before.node_cert.serial)
        laggard.node_certs.find { it.serial == before.node_cert.serial }.signer == 'old'
    }

    def "doctor's DR013 names the laggard the same way"() {
        when:
        def dr013 = cli(a, 'doctor', '--output', 'json').json.findings.findAll { it.code == 'DR013' }

        then:
        dr013.size() == 1
        dr013[0].subject == peerBonA
        dr013[0].diagnosis.contains('hub-b (' + before.url)
        dr013[0].diagnosis.contains('serial ' + before.node_cert.serial + ' under the old key')
        dr013[0].diagnosis.contains('last heartbeat')
    }

    def "advancing is refused with rotation_laggards naming the laggard and what to do"() {
        when:
        def r = cliAs(a, null, 'ca', 'rotate', 'advance')

        then:
        r.problem.code == 'rotation_laggards'
        r.problem.detail.contains('hub-b (' + before.url)
        r.problem.detail.contains('entente peers revoke')
        r.problem.laggard_peers[0].name == 'hub-b'
        r.problem.laggards == [peerBonA]
        cli(a, 'ca', 'status', '--output', 'json').json[0].phase == 'update_clients'
    }

    def "B started again renews under the new key; the laggard list drains and the advance goes through"() {
        when:
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': portB])

        then:
        eventually(30) { cli(a, 'ca', 'status', '--output', 'json').json[0].laggard_peers == [] }
        cli(a, 'ca', 'rotate', 'advance').code == 0
        cli(a, 'ca', 'status', '--output', 'json').json[0].phase == 'update_servers'
    }

    private Map peer() {
        HubHttp.get(a.url() + '/api/v1/peers/' + peerBonA, TestHubs.adminToken(a)).json as Map
    }
}
