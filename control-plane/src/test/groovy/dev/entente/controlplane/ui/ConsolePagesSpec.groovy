package dev.entente.controlplane.ui

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files

/**
 * Issue 16: the console's pages with real data, on two hubs linked from their consoles, read like
 * the runbook an operator follows: propose on A and accept on B, watch the link turn active, issue
 * and explain a grant, walk a CA rotation to the point where a laggard would be cut off (the
 * confirmation says so) and roll it back, and revoke the peer under the two-person rule, the
 * second operator approving from the queue.
 */
@Stepwise
class ConsolePagesSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s',
                             'entente.sweep.interval': '1s']

    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String adminA
    @Shared ConsoleBrowser onA
    @Shared ConsoleBrowser onB
    @Shared String peerId
    @Shared String grantId

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('pages-a'), FAST + ['entente.hub.name': 'hub-a',
                'entente.approvals.policy.peer.revoke': 'require_approval'])
        b = TestHubs.start(Files.createTempDirectory('pages-b'), FAST + ['entente.hub.name': 'hub-b'])
        adminA = TestHubs.adminToken(a)
        onA = new ConsoleBrowser(a)
        onB = new ConsoleBrowser(b)
        assert onA.signIn(adminA).status == 303
        assert onB.signIn(TestHubs.adminToken(b)).status == 303
    }

    def cleanupSpec() {
        [b, a].each { it?.stop() }
    }

    def "A proposes hub-b on its console and shows the acceptance token once; B accepts it on its own console"() {
        when:
        def proposed = onA.post('/ui/peers', [csrf: onA.csrf('/ui/peers'), name: 'hub-b'])
        String token = proposed.byId('propose-token')

        then:
        proposed.status == 200
        proposed.has('copy-propose-token')
        token.count('.') == 2

        when:
        def accepted = onB.post('/ui/peers/accept', [csrf: onB.csrf('/ui/peers'), token: token, name: 'hub-a'])

        then:
        accepted.status == 303
        accepted.location().contains('done=accepted')
        onB.get(accepted.location()).byId('notice').startsWith('Peer accepted')
    }

    def "A's peers page shows hub-b active with its heartbeat, node certificate and signer"() {
        expect:
        TestHubs.eventually(30) {
            onA.get('/ui/peers').byId('peer-state-hub-b') == 'active'
        }

        when:
        def peers = onA.get('/ui/peers')
        peerId = HubHttp.get(a.url() + '/api/v1/peers', adminA).json.find { it.name == 'hub-b' }.id
        def peer = onA.get("/ui/peers/${peerId}")

        then:
        peers.has('peers-table')
        peers.has('peer-hub-b')
        peer.byId('peer-state') == 'active'
        peer.byId('peer-heartbeat').endsWith('ago')
        peer.byId('peer-cert-signer') ==~ /\S{32,}/
        peer.has('suspend-form') && peer.has('revoke-form') && peer.has('repin-form')
    }

    def "the overview of a linked hub counts its peer"() {
        when:
        def overview = onA.get('/ui')

        then:
        overview.status == 200
        overview.text.contains('state-active')
    }

    def "a grant is issued with its bearer shown once, explained check by check, and revoked"() {
        when:
        def issued = onA.post('/ui/grants', [csrf: onA.csrf('/ui/grants'), peer: peerId, scopes: ['read'],
                                             instances: 'i-1, i-2', expires_in: '1h'])
        String bearer = issued.byId('grant-bearer')
        grantId = HubHttp.get(a.url() + '/api/v1/grants', adminA).json[0].id
        def list = onA.get('/ui/grants')

        then:
        issued.status == 200
        bearer.startsWith('fg-')
        list.has("grant-${grantId}")
        !list.text.contains(bearer)

        when:
        def allowed = onA.get("/ui/grants/${grantId}/explain?instance=i-1")
        def refused = onA.get("/ui/grants/${grantId}/explain?instance=i-9&permission=write")

        then:
        allowed.byId('explain-verdict').contains('allowed')
        allowed.has('explain-table')
        refused.byId('explain-verdict').contains('refused')
        refused.text.contains('grant_')

        when:
        def revoked = onA.post("/ui/grants/${grantId}/revoke", [csrf: onA.csrf('/ui/grants'), reason: 'spec'])

        then:
        revoked.status == 303
        HubHttp.get(a.url() + "/api/v1/grants/${grantId}", adminA).json.state == 'revoked'
    }

    def "with hub-b down, advancing past update_clients names the laggard it will cut off; a rollback is confirmed and done"() {
        given: 'B stops, so its node certificate stays under the old key'
        b.stop()

        when: 'start, confirmed'
        def confirmStart = onA.get('/ui/ca/start')
        def started = onA.post('/ui/ca/start', [csrf: confirmStart.csrf(), expected_phase: 'standby'])

        then:
        confirmStart.byId('ca-consequence').contains('new CA key')
        started.status == 303
        onA.get('/ui/ca').byId('ca-phase') == 'init'

        when: 'advance to update_clients'
        def confirmAdvance = onA.get('/ui/ca/advance')
        onA.post('/ui/ca/advance', [csrf: confirmAdvance.csrf(), expected_phase: 'init'])
        def status = onA.get('/ui/ca')

        then: 'the laggard is named on the page, and both fingerprints are shown'
        status.byId('ca-phase') == 'update_clients'
        status.has('ca-laggards')
        status.has("laggard-${peerId}")
        status.byId('ca-standby-fingerprint') ==~ /\S{32,}/

        when: 'the advance out of update_clients is confirmed'
        def cutOff = onA.get('/ui/ca/advance')

        then: 'the confirmation says what it costs'
        cutOff.byId('ca-consequence').startsWith('1 laggard will be cut off')
        cutOff.byId('ca-cut-off') == 'hub-b'

        when: 'the operator rolls back instead'
        def confirmRollback = onA.get('/ui/ca/rollback')
        def rolled = onA.post('/ui/ca/rollback', [csrf: confirmRollback.csrf(), expected_phase: 'update_clients'])

        then:
        rolled.status == 303
        onA.get('/ui/ca').byId('ca-phase') == 'rollback'

        when: 'a stale confirmation posted again is refused, not moved a second step'
        def stale = onA.post('/ui/ca/rollback', [csrf: confirmRollback.csrf(), expected_phase: 'update_clients'])

        then:
        stale.status == 409
        stale.byId('problem-code') != null
        stale.has('problem-runbook')
    }

    def "revoking hub-b waits for a second operator, who approves it from the queue"() {
        given: 'alice, an operator, and bob, an approver, each signed in'
        String alice = TestHubs.cli(a, 'operators', 'token', 'issue', '--for', 'alice', '--role', 'operator', '--output', 'json').json.token
        String bob = TestHubs.cli(a, 'operators', 'token', 'issue', '--for', 'bob', '--role', 'approver', '--output', 'json').json.token
        def asAlice = new ConsoleBrowser(a)
        asAlice.signIn(alice)
        def asBob = new ConsoleBrowser(a)
        asBob.signIn(bob)

        when: 'alice revokes'
        def requested = asAlice.post("/ui/peers/${peerId}/revoke", [csrf: asAlice.csrf("/ui/peers/${peerId}"), reason: 'decommissioned'])
        String approval = requested.byId('pending-id')

        then: 'the page shows the pending approval, and nothing changed yet'
        requested.status == 202
        requested.has('approval-pending')
        requested.byId('pending-action') == 'peer.revoke'
        HubHttp.get(a.url() + "/api/v1/peers/${peerId}", adminA).json.state != 'revoked'

        when: 'the queue shows it to bob, with the requester, action and time left'
        def queue = asBob.get('/ui/approvals')

        then:
        queue.has("approval-${approval}")
        queue.has("approve-form-${approval}")
        queue.text.contains('alice')

        when: 'alice cannot approve her own request'
        def own = asAlice.post("/ui/approvals/${approval}/approve", [csrf: asAlice.csrf('/ui/approvals')])

        then:
        own.status in [403, 409]
        own.byId('problem-code') != null

        when: 'bob approves'
        def approved = asBob.post("/ui/approvals/${approval}/approve", [csrf: asBob.csrf('/ui/approvals')])

        then:
        approved.status == 200
        approved.byId('approval-state') == 'executed'
        HubHttp.get(a.url() + "/api/v1/peers/${peerId}", adminA).json.state == 'revoked'
    }

    def "the audit page filters by type, source, actor and time"() {
        when:
        def byType = onA.get('/ui/audit?type=peer.revoked')
        def byActor = onA.get('/ui/audit?actor=bob')
        def bySource = onA.get('/ui/audit?source=hub&since=1h')
        def unknown = onA.get('/ui/audit?type=no.such')

        then:
        byType.has('audit-table')
        (byType.text =~ /class="event-type">([^<]+)</).collect { it[1] }.every { it == 'peer.revoked' }
        (byActor.text =~ /class="event-actor">([^<]+)</).collect { it[1] }.every { it.contains('bob') }
        bySource.status == 200
        unknown.status == 400
        unknown.byId('problem-code') == 'invalid_request'
    }
}
