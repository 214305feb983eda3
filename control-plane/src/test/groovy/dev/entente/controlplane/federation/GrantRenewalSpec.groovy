package dev.entente.controlplane.federation

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files

import static dev.entente.controlplane.TestHubs.cliAs
import static dev.entente.controlplane.TestHubs.eventually

/**
 * Issue 18, "what it must show", grant half, on two real hubs: a grant updated from instance i-1
 * to i-2 takes effect on B's next call with the same token; an auto-renewing grant outlives its
 * first expiry while B is active and lapses once B is suspended; an update of a revoked grant is
 * refused with the transition error; bad updates are 400s with stable codes; an update naming
 * write waits for approval under the grant.issue.write policy.
 */
@Stepwise
class GrantRenewalSpec extends Specification {
    // The worker runs every second, so a 9 s term is renewed between its 6th and 9th second.
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s',
                             'entente.sweep.interval'    : '1s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String token
    @Shared String grantId

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('renewal-a'), FAST + ['entente.hub.name': 'hub-a',
                'entente.approvals.policy.grant.issue.write': 'require_approval'])
        b = TestHubs.start(Files.createTempDirectory('renewal-b'), FAST + ['entente.hub.name': 'hub-b'])
        TestHubs.link(a, b, 'hub-b')
        run(a, 'resources', 'put', 'service/web-1', '--instance', 'i-1')
        run(a, 'resources', 'put', 'service/web-2', '--instance', 'i-2')
    }

    def cleanupSpec() {
        [b, a].each { it?.stop() }
    }

    def "B reads i-1 under a grant for i-1"() {
        when:
        def issued = run(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--instances', 'i-1')
        token = issued.json.bearer_token
        grantId = issued.json.grant.id

        then:
        issued.json.grant.renews == "lapses ${issued.json.grant.expires_at}".toString()
        remote('i-1').json*.name == ['web-1']
        remote('i-2').problem.code == 'grant_scope_mismatch'
    }

    def "updated from i-1 to i-2, the grant keeps its id and token and B's next call is judged by the new scope"() {
        when:
        def updated = run(a, 'grants', 'update', grantId, '--instances', 'i-2')

        then:
        updated.json.id == grantId
        updated.json.instance_ids == ['i-2']
        remote('i-2').json*.name == ['web-2']
        remote('i-1').problem.code == 'grant_scope_mismatch'

        and: 'audited as grant.active, event update'
        def event = run(a, 'audit', 'ls', '--type', 'grant.active', '--since', '10m').json.find { it.subject == grantId }
        event.actor == 'admin'
        event.details.event == 'update'
        event.details.instance_ids == ['i-2']
    }

    def "a bad update is a 400 with a stable code: #what"() {
        when:
        def r = HubHttp.post("${a.url()}/api/v1/grants/$grantId/update", JsonOutput.toJson(body), TestHubs.adminToken(a))

        then:
        r.status == 400
        r.json.code == 'invalid_request'
        r.json.detail.contains(detail)
        r.contentType.startsWith('application/problem+json')

        where:
        what             | body                      || detail
        'nothing to do'  | [:]                       || 'nothing to update'
        'unknown scope'  | [scopes: ['admin']]       || 'scopes are read and write, not admin'
        'bad duration'   | [expires_in: '3 weeks']   || "expires_in '3 weeks' is not a duration"
        'too long'       | [expires_in: '400d']      || "expires_in '400d' is too long"
        'bad instance'   | [instances: ['a b']]      || "instance id 'a b' is invalid"
        'not a flag'     | [auto_renew: 'yes']       || 'auto_renew must be true or false'
    }

    def "an update naming write waits for approval under grant.issue.write, and changes nothing meanwhile"() {
        when:
        def r = cliAs(a, null, 'grants', 'update', grantId, '--scopes', 'read,write')

        then:
        r.code == 0
        r.json.approval.action == 'grant.update.write'
        run(a, 'grants', 'show', grantId).json.permission_scopes == ['read']
    }

    def "renew gives the grant a new term with the same token"() {
        when:
        def renewed = run(a, 'grants', 'renew', grantId, '--expires-in', '90d')

        then:
        renewed.json.renewed_count == 1
        Math.abs(java.time.Duration.between(java.time.Instant.now().plus(java.time.Duration.ofDays(90)),
                java.time.Instant.parse(renewed.json.expires_at)).toMinutes()) < 2
        remote('i-2').json*.name == ['web-2']
    }

    def "an auto-renewing grant outlives its first expiry while B is active"() {
        given:
        def issued = run(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--expires-in', '9s',
                '--auto-renew', '--max-lifetime', '1h')
        token = issued.json.bearer_token
        grantId = issued.json.grant.id
        def firstExpiry = java.time.Instant.parse(issued.json.grant.expires_at)

        expect:
        issued.json.grant.auto_renew
        issued.json.grant.renews.startsWith('auto until ')

        when:
        eventually(20) { java.time.Instant.now().isAfter(firstExpiry.plusSeconds(2)) }

        then:
        remote('i-1').json*.name == ['web-1']
        run(a, 'grants', 'show', grantId).json.renewed_count >= 1
        run(a, 'events', '--source', 'grant_renewal', '--since', '10m').json.any { it.details.ids.contains(grantId) }
        run(a, 'doctor').json.findings.findAll { it.code == 'DR017' && it.subject == grantId }.isEmpty()
    }

    def "once B is suspended the grant is not renewed: it lapses, and B resumed is refused with grant_expired"() {
        when:
        run(a, 'peers', 'suspend', 'hub-b', '--reason', 'spec: renewal stops')

        then:
        eventually(30) { run(a, 'grants', 'show', grantId).json.state == 'expired' }

        when:
        run(a, 'peers', 'resume', 'hub-b')

        then:
        remote('i-1').problem.code == 'grant_expired'
    }

    def "an update of a revoked grant is refused with transition_rejected"() {
        given:
        def g = run(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read').json.grant.id
        run(a, 'grants', 'revoke', g)

        when:
        def r = cliAs(a, null, 'grants', 'update', g, '--instances', 'i-2')

        then:
        r.code != 0
        r.problem.code == 'transition_rejected'
        r.problem.status == 409
        r.problem.detail == 'cannot update a revoked grant; allowed from revoked: none'
    }

    private Map remote(String instance) {
        cliAs(b, null, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', token, '--instance', instance)
    }

    private static Map run(RunningHub hub, String... args) {
        def r = cliAs(hub, null, args)
        assert r.code == 0: r.err
        r
    }
}
