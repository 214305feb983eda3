package dev.entente.controlplane.federation

import dev.entente.ca.authority.CertificateAuthority
import dev.entente.controlplane.HubHttp
import static dev.entente.controlplane.TestHubs.eventually
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

/**
 * Issues 3 and 4: a full CA rotation and a rollback on a running hub with a live peer.
 * `entente ca status --output json` is read before, during and after; the peer moves to the new
 * key (and back) through heartbeat renewals with no operator action; the real `openssl verify`
 * says which of the peer's certificates chain to the trust bundle at each phase.
 */
@Stepwise
class CaRotationScenarioSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s',
                             'entente.sweep.interval': '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String peerBonA
    @Shared String peerAonB
    @Shared Path work
    @Shared Path certUnderK1
    @Shared Path certUnderK2
    @Shared Path certUnderK3
    @Shared String k1
    @Shared String k2

    def setupSpec() {
        work = Files.createTempDirectory('entente-rotation')
        a = TestHubs.start(Files.createTempDirectory('entente-ra'), FAST + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(Files.createTempDirectory('entente-rb'), FAST + ['entente.hub.name': 'hub-b'])
        def proposal = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json').json
        peerBonA = proposal.peer.id
        peerAonB = cli(b, 'peers', 'accept', '--token', proposal.acceptance_token, '--output', 'json').json.peer.id
        eventually(20) { peer(a, peerBonA).state == 'active' && peer(b, peerAonB).state == 'active' }
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "standby: one key, no laggards, the peer's certificate chains to the bundle"() {
        when:
        def status = caStatus()
        k1 = status.active_fingerprint
        certUnderK1 = saveClientCert('k1')

        then:
        status.type == 'federation'
        status.phase == 'standby'
        status.standby_fingerprint == null
        status.laggards == []
        verifies(certUnderK1)
    }

    def "start → init: a standby key is trusted, the old one still signs, the peer is a laggard"() {
        when:
        def status = rotate('start')
        k2 = status.standby_fingerprint

        then:
        status.phase == 'init'
        status.active_fingerprint == k1
        k2 != null && k2 != k1
        status.laggards == [peerBonA]
        verifies(certUnderK1)
    }

    def "advance → update_clients: the new key signs and the peer renews under it by heartbeat"() {
        when:
        def status = rotate('advance')

        then:
        status.phase == 'update_clients'
        status.active_fingerprint == k2
        eventually(20) { caStatus().laggards == [] }
        peerOn(k2)

        and: 'the move is the hub\'s own doing: an event from source rotation, and the last laggard says so'
        def moves = cli(a, 'events', '--source', 'rotation', '--output', 'json').json
        moves*.type == ['ca_rotation.laggards_drained', 'ca_rotation.peer_moved']
        moves[1].subject == peerBonA
        moves[1].details.to_signer == k2
        moves[1].details.phase == 'update_clients'
        moves[1].details.laggards_left == 0

        when:
        certUnderK2 = saveClientCert('k2')

        then: 'both generations chain to the bundle (old key still trusted)'
        verifies(certUnderK2)
    }

    def "advance → update_servers → standby: the old key leaves the bundle; the peer keeps working"() {
        when:
        def servers = rotate('advance')
        def done = rotate('advance')

        then:
        servers.phase == 'update_servers'
        done.phase == 'standby'
        done.active_fingerprint == k2
        done.standby_fingerprint == null
        !verifies(certUnderK1)
        verifies(certUnderK2)
        stillHeartbeating()
    }

    def "a second rotation rolled back: the peer renews back to the old key and the new key is discarded"() {
        when:
        def init = rotate('start')
        def clients = rotate('advance')

        then:
        init.phase == 'init'
        clients.phase == 'update_clients'
        eventually(20) { caStatus().laggards == [] }
        peerOn(clients.active_fingerprint)

        when:
        def k3 = clients.active_fingerprint
        certUnderK3 = saveClientCert('k3')
        def rolledBack = rotate('rollback')

        then: 'signing is back on the old key, both are trusted'
        rolledBack.phase == 'rollback'
        rolledBack.active_fingerprint == k2
        rolledBack.standby_fingerprint == k3
        verifies(certUnderK3)
        eventually(20) { caStatus().laggards == [] }
        peerOn(k2)

        when:
        def standby = rotate('advance')

        then:
        standby.phase == 'standby'
        standby.active_fingerprint == k2
        !verifies(certUnderK3)
        verifies(saveClientCert('back-on-k2'))
        stillHeartbeating()
    }

    def "every operator move is in the audit log; the peer's moves are events"() {
        expect:
        cli(a, 'audit', 'ls', '--since', '10m', '--limit', '500', '--output', 'json').json*.type
                .findAll { it.startsWith('ca_rotation.') }.toSet() ==
                ['ca_rotation.init', 'ca_rotation.update_clients', 'ca_rotation.update_servers',
                 'ca_rotation.standby', 'ca_rotation.rollback'] as Set
        cli(a, 'events', '--source', 'rotation', '--output', 'json').json*.type.toSet() ==
                ['ca_rotation.peer_moved', 'ca_rotation.laggards_drained'] as Set
    }

    /**
     * The peer holds a certificate under {@code signer}: A recorded it, and B stored that very
     * certificate (A revokes the old one before B has saved the new, so laggards alone is early).
     */
    private boolean peerOn(String signer) {
        eventually(20) {
            def onA = peer(a, peerBonA).node_cert
            def pem = b.bean(FederationService).peers().find(UUID.fromString(peerAonB)).get().clientCertPem()
            def serial = dev.entente.ca.crypto.Certificates.parsePem(pem)[0].serialNumber.toString(16)
            onA.signer_fingerprint == signer && onA.serial == serial
        }
    }

    private boolean stillHeartbeating() {
        def seen = peer(a, peerBonA, true).heartbeats_received
        eventually(20) { peer(a, peerBonA, true).heartbeats_received > seen + 1 }
        peer(a, peerBonA).state == 'active'
    }

    private Map caStatus() {
        def r = cli(a, 'ca', 'status', '--output', 'json')
        assert r.code == 0: r.err
        r.json[0]
    }

    private Map rotate(String move) {
        def r = cli(a, 'ca', 'rotate', move, '--output', 'json')
        assert r.code == 0: r.err
        r.json[0]
    }

    /** B's current client certificate for A, as A's CA issued it. */
    private Path saveClientCert(String name) {
        def pem = b.bean(FederationService).peers().find(UUID.fromString(peerAonB)).get().clientCertPem()
        Path f = work.resolve(name + '.pem')
        f.text = pem
        f
    }

    /** The real openssl: does the leaf chain to A's current trust bundle? */
    private boolean verifies(Path leaf) {
        Path bundle = work.resolve('bundle.pem')
        bundle.text = a.bean(CertificateAuthority).trustBundle().pem()
        def p = new ProcessBuilder('openssl', 'verify', '-purpose', 'sslclient', '-CAfile', bundle.toString(), leaf.toString())
                .redirectErrorStream(true).start()
        p.inputStream.text
        p.waitFor() == 0
    }

    private static Map peer(RunningHub hub, String id, boolean detail = false) {
        def r = HubHttp.get(hub.url() + '/api/v1/peers/' + id, TestHubs.adminToken(hub))
        assert r.status == 200: r.text
        r.json
    }

    private static Map cli(RunningHub hub, String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(((args as List) + ['--data-dir', hub.settings().dataDir().toString()]) as String[],
                [:], new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        [code: code, json: text ? new JsonSlurper().parseText(text) : null, err: err.toString()]
    }

}
