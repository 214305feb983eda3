package dev.entente.controlplane.keys

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path

import static dev.entente.controlplane.TestHubs.adminToken
import static dev.entente.controlplane.TestHubs.cli
import static dev.entente.controlplane.TestHubs.cliAs
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 17, key rotations with stated effects: hub A, linked with B (which holds a read grant),
 * with a proposed peer whose acceptance token is still unjoined, a re-enrolment token minted for
 * B and an operator's token, rotates its token-signing key. The rotation says what it
 * invalidated; each token of the old key is then refused with its own code, while the link, the
 * grant, the audit chain and the re-issued admin.token keep working.
 */
@Stepwise
class KeyRotationSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '10s']
    @Shared Path work = Files.createTempDirectory('keys-spec')
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared RunningHub c
    @Shared String bOnA
    @Shared String grant
    @Shared String unjoined
    @Shared String reenrolment
    @Shared String olga
    @Shared String oldAdmin
    @Shared long liveOperatorTokens
    @Shared Map rotated

    def setupSpec() {
        a = TestHubs.start(work.resolve('a'), FAST + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(work.resolve('b'), FAST + ['entente.hub.name': 'hub-b'])
        c = TestHubs.start(work.resolve('c'), FAST + ['entente.hub.name': 'hub-c'])
        bOnA = TestHubs.link(a, b, 'hub-b')
        assert cli(a, 'resources', 'put', 'service/web-1', '--instance', 'i-1').code == 0
        grant = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--instances', 'i-1', '--output', 'json').json.bearer_token
        unjoined = cli(a, 'peers', 'propose', '--name', 'hub-c', '--output', 'json').json.acceptance_token
        reenrolment = cli(a, 'peers', 'reenroll', 'hub-b', '--output', 'json').json.reenrolment_token
        olga = cli(a, 'operators', 'token', 'issue', '--for', 'olga', '--role', 'operator', '--output', 'json').json.token
        oldAdmin = adminToken(a)
        liveOperatorTokens = cli(a, 'operators', 'token', 'list', '--output', 'json').json.count { it.revoked_at == null }
    }

    def cleanupSpec() {
        [c, b, a].each { it?.stop() }
    }

    def "the token-signing key is the current one before any rotation"() {
        when:
        def keys = cli(a, 'keys', 'list', '--type', 'token-signing', '--output', 'json').json

        then:
        keys.size() == 1
        keys[0].status == 'current'
        keys[0].algorithm == 'Ed25519'
        keys[0].store == 'sealed'
        cli(a, 'peers', 'token', 'decode', unjoined, '--output', 'json').json.signing_key.status == 'current'
    }

    def "a token-signing rotation prints what it invalidated and re-issues admin.token"() {
        when:
        def r = cli(a, 'keys', 'rotate', '--type', 'token-signing', '--output', 'json')
        rotated = r.json

        then:
        r.code == 0
        rotated.type == 'token-signing'
        rotated.key_id != rotated.previous_key_id
        rotated.invalidated == [acceptance_tokens: 1, reenrolment_tokens: 1, operator_tokens: liveOperatorTokens]
        rotated.admin_token == 'reissued'
        adminToken(a) != oldAdmin

        and: 'audited with the counts'
        def event = cli(a, 'audit', 'ls', '--type', 'keys.token_signing_rotated', '--output', 'json').json[0]
        event.subject == rotated.key_id
    }

    def "after a token-signing rotation, #what: #outcome"() {
        expect:
        probe() == outcome

        where:
        what                                              | probe                                                                                        || outcome
        'the unjoined acceptance token is refused'        | { cliAs(c, null, 'peers', 'accept', '--token', unjoined).err.contains('acceptance_token_key_rotated') } || true
        'an operator token is refused with its own code'  | { HubHttp.get(a.url() + '/api/v1/status', olga).json.code }                                  || 'auth_token_key_rotated'
        'the admin token from before is refused'          | { HubHttp.get(a.url() + '/api/v1/status', oldAdmin).json.code }                              || 'auth_token_key_rotated'
        'the re-issued admin.token works'                 | { HubHttp.get(a.url() + '/api/v1/status', adminToken(a)).status }                            || 200
        'the local CLI works'                             | { cli(a, 'status', '--output', 'json').code }                                                || 0
        'decoding the acceptance token says the key retired' | { cli(a, 'peers', 'token', 'decode', unjoined, '--output', 'json').json.subMap('status', 'signing_key') } || [status: 'key_rotated', signing_key: [kid: rotated.previous_key_id, status: 'retired']]
        'decoding the re-enrolment token says so too'     | { cli(a, 'peers', 'token', 'decode', reenrolment, '--output', 'json').json.status }          || 'key_rotated'
        'the linked peer still calls with its grant'      | { cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', grant, '--instance', 'i-1', '--output', 'json').json*.name } || ['web-1']
        'the link stays active both ways'                 | { eventually(20) { peerState(a, bOnA) == 'active' && cli(b, 'peers', 'show', 'hub-a', '--output', 'json').json.state == 'active' } } || true
        'the audit chain verifies'                        | { cli(a, 'audit', 'verify', '--output', 'json').json.ok }                                    || true
    }

    def "a new acceptance token is signed with the current key and works"() {
        when:
        def fresh = cli(a, 'peers', 'token', 'hub-c', '--output', 'json').json.acceptance_token
        def decoded = cli(a, 'peers', 'token', 'decode', fresh, '--output', 'json').json

        then:
        decoded.status == 'usable'
        decoded.signing_key == [kid: rotated.key_id, status: 'current']

        when:
        def accepted = cli(c, 'peers', 'accept', '--token', fresh, '--output', 'json')

        then:
        accepted.code == 0
    }

    def "keys list shows the retired key and the current one"() {
        when:
        def keys = cli(a, 'keys', 'list', '--type', 'token-signing', '--output', 'json').json

        then:
        keys*.id == [rotated.previous_key_id, rotated.key_id]
        keys*.status == ['retired', 'current']
        keys[0].retired_at != null
    }

    def "an audit-hmac rotation keeps the old key to verify the whole chain"() {
        when:
        def r = cli(a, 'keys', 'rotate', '--type', 'audit-hmac', '--output', 'json')
        cli(a, 'resources', 'put', 'service/web-2', '--instance', 'i-1')

        then:
        r.code == 0
        r.json.type == 'audit-hmac'
        r.json.invalidated == null
        cli(a, 'keys', 'list', '--type', 'audit-hmac', '--output', 'json').json*.status == ['retired', 'current']
        cli(a, 'audit', 'verify', '--output', 'json').json.ok
    }

    def "an unknown type is refused with the types there are"() {
        when:
        def r = cliAs(a, null, 'keys', 'rotate', '--type', 'tls')

        then:
        r.code != 0
        r.problem.code == 'invalid_request'
        r.problem.detail.contains('token-signing, audit-hmac')
    }

    def "rotating needs the admin role; listing needs read"() {
        expect:
        HubHttp.post(a.url() + '/api/v1/keys/rotate', '{"type":"audit-hmac"}', viewer()).status == 403
        HubHttp.get(a.url() + '/api/v1/keys', viewer()).status == 200
    }

    def "under a require_approval policy a rotation waits for a second operator and changes nothing yet"() {
        given:
        assert cli(a, 'approvals', 'policy', 'set', 'keys.rotate', 'require_approval', '--reason', 'spec').code == 0
        def before = cli(a, 'keys', 'list', '--type', 'token-signing', '--output', 'json').json

        when:
        def r = HubHttp.post(a.url() + '/api/v1/keys/rotate', '{"type":"token-signing"}', adminToken(a))

        then:
        r.status == 202
        r.json.approval.state == 'pending'
        cli(a, 'keys', 'list', '--type', 'token-signing', '--output', 'json').json == before
    }

    private String viewer() {
        cli(a, 'operators', 'token', 'issue', '--for', 'vera', '--role', 'viewer', '--output', 'json').json.token
    }

    private static String peerState(RunningHub hub, String id) {
        cli(hub, 'peers', 'show', id, '--output', 'json').json.state
    }
}
