package dev.entente.controlplane.approval

import dev.entente.federation.approval.ApprovalGate
import dev.entente.lifecycle.db.Tx
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import spock.lang.Specification

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 12, "one two-person rule": approve-and-execute happens exactly once. The hub is stopped
 * between an approval's commit and its execution (the entente.testing.halt-after-approval hook);
 * started again on the same data dir, it executes what was approved: the peer is revoked once,
 * the grant issued once, the link made once, each approval executed once, and running the
 * outbox again (or starting once more) changes nothing.
 */
class ApprovalOutboxSpec extends Specification {
    static final Map HALT = ['entente.testing.halt-after-approval': true, 'entente.worker.in-process': false]
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s']
    Map<String, String> tokens = [:]
    List<RunningHub> running = []

    def cleanup() {
        running.reverse().each { it.stop() }
    }

    def "local actions approved just before the hub stopped are executed once by the next start"() {
        given: 'a hub where revoking peers and issuing write grants need a second operator'
        Path dir = Files.createTempDirectory('outbox-local')
        Map policies = ['entente.hub.name'                          : 'hub-a',
                        'entente.approvals.policy.peer.revoke'       : 'require_approval',
                        'entente.approvals.policy.grant.issue.write' : 'require_approval']
        RunningHub a = start(dir, policies + HALT)
        operators(a)
        String doomed = cli(a, null, 'peers', 'propose', '--name', 'doomed').json.peer.id
        String partner = cli(a, null, 'peers', 'propose', '--name', 'partner').json.peer.id

        and: 'alice asks for both'
        String revoke = cli(a, 'alice', 'peers', 'revoke', 'doomed', '--reason', 'contract ended').json.approval.id
        String grant = cli(a, 'alice', 'grants', 'issue', '--peer', partner, '--scopes', 'read,write',
                '--expires-in', '1d').json.approval.id

        when: 'bob approves both, and the hub stops after each approval commits, before it runs'
        def approvedRevoke = cli(a, 'bob', 'approvals', 'approve', revoke)
        def approvedGrant = cli(a, 'bob', 'approvals', 'approve', grant)

        then: 'the approvals are committed; nothing was done'
        approvedRevoke.code != 0 && approvedGrant.code != 0
        state(a, revoke) == 'approved' && state(a, grant) == 'approved'
        peerState(a, doomed) == 'proposed'
        count(a, "SELECT count(*) FROM grants WHERE peer_id = '$partner'") == 0

        when: 'the hub is gone, and starts again on the same data dir'
        stop(a)
        a = start(dir, policies + ['entente.worker.in-process': false])

        then: 'each action ran once, and each approval was executed once'
        state(a, revoke) == 'executed' && state(a, grant) == 'executed'
        peerState(a, doomed) == 'revoked'
        count(a, "SELECT count(*) FROM audit_events WHERE type = 'peer.revoked' AND subject = '$doomed'") == 1
        count(a, "SELECT count(*) FROM grants WHERE peer_id = '$partner'") == 1
        count(a, "SELECT count(*) FROM audit_events WHERE type = 'grant.issued' AND details::jsonb ->> 'peer_id' = '$partner'") == 1
        [revoke, grant].every { executedEvents(a, it) == 1 }

        and: 'nobody was there to see the grant token: it waits, sealed, for alice alone'
        cli(a, 'bob', 'approvals', 'collect', grant).problem.code == 'approval_requester_only'
        def collected = cli(a, 'alice', 'approvals', 'collect', grant)
        collected.json.result.bearer_token.startsWith('fg-')
        collected.json.approval.result.grant.id == cli(a, null, 'grants', 'list', '--peer', partner).json[0].id

        when: 'the outbox runs again, and the hub starts once more'
        int again = a.bean(ApprovalGate).executeApproved()
        stop(a)
        a = start(dir, policies)

        then: 'nothing more happens'
        again == 0
        count(a, "SELECT count(*) FROM audit_events WHERE type = 'peer.revoked' AND subject = '$doomed'") == 1
        count(a, "SELECT count(*) FROM grants WHERE peer_id = '$partner'") == 1
        [revoke, grant].every { executedEvents(a, it) == 1 }
    }

    def "a peer.accept approved just before the hub stopped calls the proposer once, after the next start"() {
        given: 'hub-b accepts links only with a second operator'
        RunningHub p = start(Files.createTempDirectory('outbox-proposer'), FAST + ['entente.hub.name': 'hub-p'])
        Path dir = Files.createTempDirectory('outbox-accepter')
        Map policies = FAST + ['entente.hub.name': 'hub-b', 'entente.approvals.policy.peer.accept': 'require_approval']
        RunningHub b = start(dir, policies + HALT)
        operators(b)
        def proposal = cli(p, null, 'peers', 'propose', '--name', 'hub-b').json

        when: 'alice asks to accept; bob approves; hub-b stops before it runs'
        String accept = cli(b, 'alice', 'peers', 'accept', '--token', proposal.acceptance_token).json.approval.id
        def approved = cli(b, 'bob', 'approvals', 'approve', accept)

        then:
        approved.code != 0
        state(b, accept) == 'approved'
        count(b, 'SELECT count(*) FROM peers') == 0
        peerOn(p, proposal.peer.id) == 'proposed'

        when:
        stop(b)
        b = start(dir, policies)

        then: 'the start made the link, once (the start runs the outbox before its worker)'
        state(b, accept) == 'executed'
        executedEvents(b, accept) == 1
        count(b, "SELECT count(*) FROM peers WHERE hub_id = '${p.hubId()}'") == 1
        count(b, "SELECT count(*) FROM audit_events WHERE type = 'peer.accepted'") == 1
        eventually(20) { peerOn(p, proposal.peer.id) == 'active' }
    }

    private RunningHub start(Path dir, Map flags) {
        RunningHub hub = TestHubs.start(dir, flags)
        running << hub
        hub
    }

    private void stop(RunningHub hub) {
        hub.stop()
        running.remove(hub)
    }

    private void operators(RunningHub hub) {
        [alice: 'operator', bob: 'approver'].each { who, role ->
            tokens[who] = cli(hub, null, 'operators', 'token', 'issue', '--for', who, '--role', role).json.token
        }
    }

    private String state(RunningHub hub, String approval) {
        cli(hub, null, 'approvals', 'list').json.find { it.id == approval }.state
    }

    private long executedEvents(RunningHub hub, String approval) {
        count(hub, "SELECT count(*) FROM audit_events WHERE type = 'approval.executed' AND subject = '$approval'")
    }

    private String peerState(RunningHub hub, String id) {
        HubHttp.get(hub.url() + '/api/v1/peers/' + id, TestHubs.adminToken(hub)).json.state
    }

    private String peerOn(RunningHub hub, String id) {
        peerState(hub, id)
    }

    private static long count(RunningHub hub, GString sql) {
        count(hub, sql.toString())
    }

    private static long count(RunningHub hub, String sql) {
        hub.bean(Tx).read { c ->
            def rs = c.createStatement().executeQuery(sql)
            rs.next()
            rs.getLong(1)
        } as long
    }

    /** Runs the CLI on {@code hub} as {@code who} (an issued token), or with the local admin token. */
    private Map cli(RunningHub hub, String who, String... args) {
        TestHubs.cliAs(hub, who == null ? null : tokens[who], args)
    }
}
