package dev.entente.controlplane.approval

import dev.entente.controlplane.federation.FederationService
import dev.entente.controlplane.HubHttp
import static dev.entente.controlplane.TestHubs.eventually
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.error.EntenteException
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files

/**
 * Issue 7, "what it must show": with peer.revoke requiring approval, an operator's revoke is
 * pending and the peer still works; self-approval is refused; a second operator approves and
 * the peer is revoked; a request left past its deadline ends expired; an approved action whose
 * preconditions changed fails with the precise transition error and the approval ends failed.
 * `entente approvals list --output json` is read at each step.
 */
@Stepwise
class ApprovalsSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s', 'entente.sweep.interval': '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String bOnA
    @Shared Map<String, String> tokens = [:]
    @Shared String revokeRequest

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('approvals-a'), FAST + ['entente.hub.name': 'hub-a',
                'entente.approvals.policy.peer.revoke': 'require_approval',
                'entente.approvals.policy.ca.rotate'  : 'require_approval'])
        b = TestHubs.start(Files.createTempDirectory('approvals-b'), FAST + ['entente.hub.name': 'hub-b'])
        def p = cli(a, null, 'peers', 'propose', '--name', 'hub-b').json
        bOnA = p.peer.id
        assert cli(b, null, 'peers', 'accept', '--token', p.acceptance_token).code == 0
        eventually(20) { peerState() == 'active' }
        [alice: 'operator', bob: 'approver', carol: 'operator'].each { who, role ->
            tokens[who] = cli(a, null, 'operators', 'token', 'issue', '--for', who, '--role', role).json.token
        }
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "alice's revoke is only a pending request: nothing applied, the peer still works"() {
        when:
        def r = cli(a, 'alice', 'peers', 'revoke', 'hub-b', '--reason', 'contract ended')
        revokeRequest = r.json.approval.id

        then:
        r.code == 0
        r.json.approval.state == 'pending'
        r.json.approval.action == 'peer.revoke'
        r.json.approval.requester == 'alice'
        r.json.approval.arguments == [peer_id: bOnA, reason: 'contract ended']
        r.json.next == "entente approvals approve $revokeRequest"
        Main.parses(r.json.next.split(' ').drop(1) as String[])
        peerState() == 'active'
        callA() == 'ok'
        approvals()*.state == ['pending']
    }

    def "alice cannot approve her own request"() {
        when:
        def r = cli(a, 'alice', 'approvals', 'approve', revokeRequest)

        then:
        r.code == 1
        r.problem.code == 'approval_self_forbidden'
        r.problem.status == 403
        approvals()*.state == ['pending']
        peerState() == 'active'
    }

    def "carol is not an approver"() {
        expect:
        cli(a, 'carol', 'approvals', 'approve', revokeRequest).problem.code == 'approval_role_required'
    }

    def "bob approves: the revoke runs as alice asked, and both operators are recorded"() {
        when:
        def r = cli(a, 'bob', 'approvals', 'approve', revokeRequest)

        then:
        r.code == 0
        r.json.approval.state == 'executed'
        r.json.approval.approver == 'bob'
        r.json.result.peer.state == 'revoked'
        peerState() == 'revoked'
        callA() in ['peer_revoked', 'client_cert_revoked']
        approvals()*.state == ['executed']
        def audit = cli(a, null, 'audit', 'ls', '--since', '10m', '--limit', '300').json
        audit.find { it.type == 'approval.requested' }.actor == 'alice'
        audit.find { it.type == 'approval.approved' }.actor == 'bob'
        audit.find { it.type == 'peer.revoked' }.actor == 'alice'
    }

    def "a request left past the timeout ends expired, and approving it then is refused"() {
        when:
        def r = cli(a, 'alice', 'ca', 'rotate', 'start')
        String id = r.json.approval.id

        then:
        r.json.approval.state == 'pending'

        when: 'its deadline passes (moved, not waited for: the other requests here must not expire on a slow machine)'
        a.bean(dev.entente.lifecycle.db.Tx).inTransaction { c -> c.createStatement().execute(
                "UPDATE approvals SET expires_at = now() - interval '1 second' WHERE id = '$id'") }

        then:
        eventually(15) { approvals().find { it.id == id }.state == 'expired' }
        cli(a, 'bob', 'approvals', 'approve', id).problem.code == 'approval_expired'
        cli(a, null, 'ca', 'status').json[0].phase == 'standby'
    }

    def "an approved action whose preconditions changed fails with the transition error; nothing half-applied"() {
        given: 'two requests to start a rotation'
        String first = cli(a, 'alice', 'ca', 'rotate', 'start').json.approval.id
        String second = cli(a, 'alice', 'ca', 'rotate', 'start').json.approval.id

        when: 'the first is approved, then the rotation is advanced (also approved)'
        assert cli(a, 'bob', 'approvals', 'approve', first).code == 0
        String advance = cli(a, 'alice', 'ca', 'rotate', 'advance').json.approval.id
        assert cli(a, 'bob', 'approvals', 'approve', advance).code == 0
        def late = cli(a, 'bob', 'approvals', 'approve', second)

        then: 'starting again from update_clients is refused (issue 11: the phase moved on), and the approval says so'
        late.code == 1
        late.problem.code == 'rotation_phase_changed'
        late.problem.detail.contains('update_clients')
        approvals().find { it.id == second }.state == 'failed'
        approvals().find { it.id == second }.result.toString().contains('rotation_phase_changed')
        cli(a, null, 'ca', 'status').json[0].phase == 'update_clients'
    }

    private List approvals() {
        cli(a, null, 'approvals', 'list').json
    }

    private String peerState() {
        HubHttp.get(a.url() + '/api/v1/peers/' + bOnA, TestHubs.adminToken(a)).json.state
    }

    private String callA() {
        def peerA = b.bean(FederationService).peers().findByName('hub-a').get()
        try {
            b.bean(FederationService).clientFor(peerA).post('federation/v1/heartbeat',
                    [protocol_version: 1, clock: new Date().toInstant().toString(), tls_fingerprints: [], ca_phase: 'standby'])
            'ok'
        } catch (EntenteException e) {
            e.extensions().remote_code
        }
    }

    /** Runs the CLI on {@code hub} as {@code who} (an issued token), or with the local admin token. */
    private Map cli(RunningHub hub, String who, String... args) {
        TestHubs.cliAs(hub, who == null ? null : tokens[who], args)
    }

}
