package dev.entente.controlplane.federation

import dev.entente.ca.authority.FederationCa
import dev.entente.controlplane.hub.HubIdentity
import dev.entente.ca.tls.TlsState
import dev.entente.lifecycle.db.Tx
import dev.entente.controlplane.HubHttp
import static dev.entente.controlplane.TestHubs.eventually
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.error.EntenteException
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.net.ServerSocket
import java.nio.file.Files
import java.nio.file.Path

/**
 * Issue 4, "what it must show": two real hubs on 127.0.0.1, heartbeats every second, stale-after
 * 3 s. Propose, accept, both active; a replayed token refused; B stopped → A shows B degraded with
 * a reason; B restarted → active again; a TLS rotation on A does not disturb B; suspend, resume
 * and revoke change what A's federation API accepts from B.
 */
@Stepwise
class TwoHubsSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '3s',
                             'entente.sweep.interval': '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared Path dirB
    @Shared int portB
    @Shared String token
    @Shared String peerBonA
    @Shared String peerAonB

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('entente-a'), FAST + ['entente.hub.name': 'hub-a'])
        dirB = Files.createTempDirectory('entente-b')
        portB = freePort()
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': portB])
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "A proposes: the acceptance token is printed once and only its digest is stored"() {
        when:
        def r = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json')
        token = r.json.acceptance_token
        peerBonA = r.json.peer.id
        def claims = new JsonSlurper().parse(Base64.urlDecoder.decode(token.split('\\.')[1]))
        def header = new JsonSlurper().parse(Base64.urlDecoder.decode(token.split('\\.')[0]))

        then:
        r.code == 0
        r.json.peer.state == 'proposed'
        header.alg == 'EdDSA'
        claims.iss == a.hubId()
        claims.aud == 'entente-federation'
        claims.url == a.bean(HubIdentity).publicUrl()
        claims.tls_fingerprint == a.bean(TlsState).current().fingerprint()
        claims.jti && claims.exp
        storedTokenColumns(a).every { !it.contains(token) }
    }

    def "B accepts: it pins A's fingerprint, both hubs enroll, and both become active after heartbeats"() {
        when:
        def r = cli(b, 'peers', 'accept', '--token', token, '--output', 'json')
        assert r.code == 0: r.err
        peerAonB = r.json.peer.id

        then:
        r.json.peer.hub_id == a.hubId()
        r.json.peer.state in ['enrolled', 'active']
        r.json.peer.tls_fingerprints == [a.bean(TlsState).current().fingerprint()]

        and:
        eventually(20) { peer(a, peerBonA).state == 'active' && peer(b, peerAonB).state == 'active' }
        peer(a, peerBonA).hub_id == b.hubId()
        peer(a, peerBonA).node_cert.signer_fingerprint == a.bean(FederationCa).signingKey().fingerprint()

        and: 'metrics: peers by state, heartbeats, the sweep'
        eventually(10) {
            def m = HubHttp.get(a.url() + '/metrics', TestHubs.adminToken(a)).text
            m.contains('entente_peers{state="active"} 1.0') && metric(m, 'entente_heartbeats_received_total') > 0 &&
                    metric(m, 'entente_heartbeats_sent_total') > 0 && metric(m, 'entente_sweep_last_run_timestamp_seconds') > 0
        }
    }

    private static double metric(String text, String name) {
        def line = text.readLines().find { it.startsWith(name + ' ') }
        line == null ? -1 : line.split(' ')[1] as double
    }

    def "the token is single-use: replaying it is refused"() {
        when:
        def r = HubHttp.post(a.url() + '/federation/v1/handshake/accept', JsonOutput.toJson([
                protocol_version: 1, token: token, hub_id: 'hub_0badc0de', url: 'https://127.0.0.1:1',
                tls_fingerprint: 'ab' * 32,
                csr: dev.entente.ca.crypto.Certificates.csr(dev.entente.ca.crypto.Certificates.ed25519(), 'mallory')]))

        then:
        r.status == 409
        r.json.code == 'acceptance_token_used'
    }

    def "B stopped: A marks it degraded with a reason; B restarted: active again without operator action"() {
        when:
        b.stop()

        then:
        eventually(20) { peer(a, peerBonA).state == 'degraded' }
        peer(a, peerBonA).degraded_reason =~ /no heartbeat/

        when:
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': portB])

        then:
        eventually(20) { peer(a, peerBonA).state == 'active' }
    }

    def "a TLS rotation on A is re-pinned by B through heartbeats, and B keeps reaching A"() {
        given:
        def before = a.bean(TlsState).current().fingerprint()

        when:
        def rotated = cli(a, 'tls', 'rotate', '--output', 'json')
        def after = rotated.json.fingerprint

        then:
        after != before
        eventually(20) { peer(b, peerAonB).tls_fingerprints.contains(after) }
        def received = peer(a, peerBonA, true).heartbeats_received
        eventually(20) { peer(a, peerBonA, true).heartbeats_received > received + 1 }
        peer(a, peerBonA).state == 'active'
    }

    def "suspend refuses B's calls, resume accepts them again, revoke ends the link"() {
        when:
        cli(a, 'peers', 'suspend', peerBonA, '--reason', 'incident 42')
        def suspended = callA()

        then:
        suspended == 'peer_suspended'
        peer(a, peerBonA).state == 'suspended'

        when:
        cli(a, 'peers', 'resume', peerBonA)

        then:
        eventually(20) { peer(a, peerBonA).state == 'active' }
        callA() == 'ok'

        when:
        def revoked = cli(a, 'peers', 'revoke', peerBonA, '--reason', 'contract ended', '--output', 'json')

        then:
        revoked.json.peer.state == 'revoked'
        callA() in ['peer_revoked', 'client_cert_revoked']

        and: 'every refusal is audited on A'
        cli(a, 'audit', 'ls', '--type', 'access.denied', '--output', 'json').json*.code.containsAll(['peer_suspended'])
    }

    /** B calls A's federation API with its node certificate; the remote code, or ok. */
    private String callA() {
        def peerA = b.bean(FederationService).peers().find(UUID.fromString(peerAonB)).get()
        try {
            b.bean(FederationService).clientFor(peerA).post('federation/v1/heartbeat',
                    [protocol_version: 1, clock: new Date().toInstant().toString(), tls_fingerprints: [], ca_phase: 'standby'])
            'ok'
        } catch (EntenteException e) {
            e.extensions().remote_code
        }
    }

    private static Map peer(RunningHub hub, String id, boolean detail = false) {
        def r = HubHttp.get(hub.url() + '/api/v1/peers/' + id, TestHubs.adminToken(hub))
        assert r.status == 200: r.text
        r.json
    }

    private static List<String> storedTokenColumns(RunningHub hub) {
        def sql = groovy.sql.Sql.newInstance(hub.bean(Tx).dataSource())
        try {
            sql.rows('SELECT encode(token_digest, \'hex\') AS d, token_jti::text AS j FROM peers').collect { "${it.d} ${it.j}".toString() }
        } finally {
            sql.close()
        }
    }

    private static Map cli(RunningHub hub, String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(((args as List) + ['--data-dir', hub.settings().dataDir().toString()]) as String[],
                [:], new PrintWriter(out), new PrintWriter(err))
        def text = out.toString().trim()
        [code: code, json: text.startsWith('{') || text.startsWith('[') ? new JsonSlurper().parseText(text) : null,
         out: text, err: err.toString()]
    }


    private static int freePort() {
        new ServerSocket(0).withCloseable { it.localPort }
    }
}
