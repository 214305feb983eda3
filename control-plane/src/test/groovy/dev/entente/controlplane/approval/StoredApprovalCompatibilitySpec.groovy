package dev.entente.controlplane.approval

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.lifecycle.approval.ApprovalRepository
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.time.Instant

/**
 * Issue 12, typed commands: approval requests stored before commands were records (their
 * arguments as the JSON object the controllers used to build) still load, and approving them runs
 * what was asked. Each row is written as that code wrote it: the action in its column, the
 * arguments with the same keys, in the same order, with the same value types.
 */
class StoredApprovalCompatibilitySpec extends Specification {
    @Shared RunningHub a
    @Shared Map<String, String> tokens = [:]

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('stored-approvals'), ['entente.hub.name': 'hub-a',
                'entente.approvals.policy.peer.propose'      : 'require_approval',
                'entente.approvals.policy.peer.revoke'       : 'require_approval',
                'entente.approvals.policy.grant.issue.write' : 'require_approval',
                'entente.approvals.policy.ca.rotate'         : 'require_approval'])
        [alice: 'operator', bob: 'approver'].each { who, role ->
            tokens[who] = TestHubs.cli(a, 'operators', 'token', 'issue', '--for', who, '--role', role, '--output', 'json').json.token
        }
    }

    def cleanupSpec() {
        a?.stop()
    }

    def "a stored peer.propose runs: the peer is proposed and its token shown to the approver"() {
        given:
        String id = storeOld('peer.propose', '{"name":"hub-old","ttl":"7d"}')

        when:
        def r = approve(id)

        then:
        r.code == 0
        r.json.approval.state == 'executed'
        r.json.result.peer.name == 'hub-old'
        r.json.result.peer.state == 'proposed'
        r.json.result.acceptance_token.count('.') == 2
    }

    def "a stored peer.revoke runs as the requester"() {
        given:
        String peerId = proposedPeer('doomed')
        String id = storeOld('peer.revoke', """{"peer_id":"${peerId}","reason":"contract ended"}""")

        when:
        def r = approve(id)

        then:
        r.code == 0
        r.json.approval.state == 'executed'
        r.json.result.peer.id == peerId
        r.json.result.peer.state == 'revoked'
        stored(id).arguments == [peer_id: peerId, reason: 'contract ended']
    }

    def "a stored grant.issue.write runs: the grant is issued for its lifetime from now"() {
        given:
        String peerId = proposedPeer('partner')
        String id = storeOld('grant.issue.write', """{"peer_id":"${peerId}","scopes":["read","write"],"instances":["i-1"],"networks":[],"cidrs":["10.0.0.0/8"],"expires_in":"1d"}""")

        when:
        def r = approve(id)

        then:
        r.code == 0
        r.json.approval.state == 'executed'
        r.json.result.grant.peer_id == peerId
        r.json.result.grant.permission_scopes as Set == ['read', 'write'] as Set
        r.json.result.grant.instance_ids == ['i-1']
        r.json.result.grant.source_cidrs == ['10.0.0.0/8']
        Instant.parse(r.json.result.grant.expires_at).isAfter(Instant.now().plusSeconds(86_000))
        r.json.result.bearer_token.startsWith('fg-')
    }

    def "a stored ca.rotate runs the move it names, from the phase it names"() {
        given:
        String id = storeOld('ca.rotate', '{"move":"start","force":false,"expected_phase":"standby"}')

        when:
        def r = approve(id)

        then:
        r.code == 0
        r.json.approval.state == 'executed'
        r.json.result.ca[0].phase == 'init'
    }

    def "a stored value that no longer passes the command's check fails the request with the command's own code"() {
        given:
        String id = storeOld('ca.rotate', '{"move":"advance","force":false,"expected_phase":"sideways"}')

        when:
        def r = approve(id)

        then:
        r.code != 0
        r.problem.code == 'invalid_request'
        stored(id).state == 'failed'
    }

    // A peer alice proposed (through the gate, as every proposal here goes) and bob approved.
    private String proposedPeer(String name) {
        approve(TestHubs.cliAs(a, tokens.alice, 'peers', 'propose', '--name', name).json.approval.id).json.result.peer.id
    }

    // An approval row exactly as the hub stored it before this change, requested by alice.
    private String storeOld(String action, String argumentsJson) {
        UUID id = UUID.randomUUID()
        a.bean(dev.entente.lifecycle.db.Tx).inTransaction { c ->
            new ApprovalRepository(a.bean(dev.entente.lifecycle.db.Tx), a.bean(dev.entente.lifecycle.approval.ApprovalTable)).create(c, id, action, 'alice', ['admin'], argumentsJson, null,
                    Instant.now().plusSeconds(3600))
        }
        id.toString()
    }

    private Map stored(String id) {
        TestHubs.cliAs(a, null, 'approvals', 'list').json.find { it.id == id }
    }

    private Map approve(String id) {
        TestHubs.cliAs(a, tokens.bob, 'approvals', 'approve', id)
    }
}
