package dev.entente.controlplane.federation

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.HubProcesses
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise
import spock.lang.Unroll

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.cliAs
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 13, "a peer's URL cannot be changed after linking": hub B comes back on another port, A's
 * heartbeats to it fail naming the URL, and {@code entente peers set-url} on A brings them back
 * without re-linking: same peer, hub id, pins and node certificate.
 */
@Stepwise
class PeerUrlSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '3s',
                             'entente.sweep.interval': '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared Path dirB
    @Shared String peerBonA
    @Shared String oldUrl
    @Shared String newUrl

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('peer-url-a'), FAST + ['entente.hub.name': 'hub-a'])
        dirB = Files.createTempDirectory('peer-url-b')
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': HubProcesses.freePort()])
        peerBonA = TestHubs.link(a, b, 'hub-b')
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "B restarted on another port: A's heartbeats to it fail, naming the old URL and the refusal"() {
        given:
        oldUrl = show(peerBonA).url

        when:
        b.stop()
        int port = HubProcesses.freePort()
        b = TestHubs.start(dirB, FAST + ['entente.hub.name': 'hub-b', 'entente.hub.port': port])
        newUrl = 'https://127.0.0.1:' + port

        then:
        eventually(20) { show(peerBonA).last_heartbeat_error?.contains('refused') }
        show(peerBonA).last_heartbeat_error.contains(oldUrl)
    }

    def "'entente peers set-url' points A at B's new URL: heartbeats resume, and the link keeps its identity"() {
        given:
        def before = show(peerBonA)

        when:
        def r = cli(a, 'peers', 'set-url', 'hub-b', newUrl, '--output', 'json')

        then:
        r.code == 0
        r.json.peer.url == newUrl
        r.json.peer.id == peerBonA
        r.json.peer.hub_id == before.hub_id
        r.json.peer.node_cert.serial == before.node_cert.serial
        r.json.peer.tls_fingerprints == before.tls_fingerprints

        and: 'the next heartbeats to the new URL get through'
        long sent = show(peerBonA).heartbeats_sent
        eventually(20) { show(peerBonA).last_heartbeat_error == null && show(peerBonA).heartbeats_sent > sent }
        show(peerBonA).state == 'active'

        and: 'the change is audited with both URLs'
        def events = HubHttp.get(a.url() + '/api/v1/audit?type=peer.url_changed', TestHubs.adminToken(a)).json
        events.size() == 1
        events[0].subject == peerBonA
        events[0].details.old_url == oldUrl
        events[0].details.url == newUrl
    }

    def "setting the URL the peer already has changes nothing and is not audited again"() {
        when:
        def r = cli(a, 'peers', 'set-url', peerBonA, newUrl + '/', '--output', 'json')

        then:
        r.code == 0
        r.json.peer.url == newUrl
        HubHttp.get(a.url() + '/api/v1/audit?type=peer.url_changed', TestHubs.adminToken(a)).json.size() == 1
    }

    @Unroll
    def "#url is refused with peer_url_invalid (#why), by the CLI and by the API, and the URL stays"() {
        when:
        def r = cliAs(a, null, 'peers', 'set-url', peerBonA, url)
        def api = HubHttp.post(a.url() + '/api/v1/peers/' + peerBonA + '/url', groovy.json.JsonOutput.toJson([url: url]),
                TestHubs.adminToken(a))

        then:
        r.code != 0
        r.problem.code == 'peer_url_invalid'
        r.problem.detail.contains(why)
        api.status == 400
        api.json.code == 'peer_url_invalid'
        show(peerBonA).url == newUrl

        where:
        url                                  | why
        'http://127.0.0.1:7443'              | 'https://'
        'https://user:secret@127.0.0.1:7443' | 'user info'
        'https://127.0.0.1:7443/?x=1'        | 'query'
        'https:///nohost'                    | 'no host'
        '127.0.0.1:7443'                     | 'https://'
    }

    def "a proposed peer has no URL to change: refused with the states that allow it"() {
        given:
        def proposed = cli(a, 'peers', 'propose', '--name', 'hub-later', '--output', 'json').json

        when:
        def r = cliAs(a, null, 'peers', 'set-url', proposed.peer.id, newUrl)

        then:
        r.problem.code == 'transition_rejected'
        r.problem.detail.contains('announces its URL')
    }

    private Map show(String id) {
        HubHttp.get(a.url() + '/api/v1/peers/' + id, TestHubs.adminToken(a)).json as Map
    }
}
