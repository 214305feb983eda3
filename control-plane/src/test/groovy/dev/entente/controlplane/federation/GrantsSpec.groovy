package dev.entente.controlplane.federation

import dev.entente.lifecycle.db.Tx
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
 * Issue 5, "what it must show", with real hubs on 127.0.0.1: A exports resources and grants B a
 * read grant scoped to instance i-1 and network n-1; B lists A's matching resources; every way
 * the call can be wrong is refused with its 401 or 403 code, and audited on A.
 */
@Stepwise
class GrantsSpec extends Specification {
    static final Map FAST = ['entente.heartbeat.interval': '1s', 'entente.heartbeat.stale-after': '5s']
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared RunningHub c
    @Shared String bOnA
    @Shared String cOnA
    @Shared String grant
    @Shared String grantId

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('grants-a'), FAST + ['entente.hub.name': 'hub-a'])
        b = TestHubs.start(Files.createTempDirectory('grants-b'), FAST + ['entente.hub.name': 'hub-b'])
        c = TestHubs.start(Files.createTempDirectory('grants-c'), FAST + ['entente.hub.name': 'hub-c'])
        bOnA = link(a, b, 'hub-b')
        cOnA = link(a, c, 'hub-c')
        cli(a, 'resources', 'put', 'service/web-1', '--instance', 'i-1', '--network', 'n-1', '--attr', 'port=443')
        cli(a, 'resources', 'put', 'service/web-2', '--instance', 'i-2', '--network', 'n-1')
        cli(a, 'resources', 'put', 'db/main', '--instance', 'i-1', '--network', 'n-2')
    }

    def cleanupSpec() {
        [c, b, a].each { it?.stop() }
    }

    def "A issues B a read grant for i-1/n-1: the token is shown once, only its digest is stored"() {
        when:
        def r = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--instances', 'i-1', '--networks', 'n-1', '--output', 'json')
        grant = r.json.bearer_token
        grantId = r.json.grant.id

        then:
        r.code == 0
        grant ==~ /fg-[0-9a-f-]{36}\.[A-Za-z0-9_-]+/
        r.json.grant.keySet() == ['id', 'peer_id', 'state', 'permission_scopes', 'instance_ids', 'network_ids', 'source_cidrs', 'expires_at',
                                  'auto_renew', 'max_expires_at', 'renewed_count', 'renews'] as Set
        r.json.grant.state == 'active'
        r.json.grant.peer_id == bOnA
        !dump(a, 'SELECT * FROM grants').contains(grant.substring(grant.indexOf('.') + 1))
    }

    def "B lists A's resources inside the grant's scope, and only those"() {
        when:
        def r = cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', grant, '--instance', 'i-1', '--network', 'n-1', '--output', 'json')

        then:
        r.code == 0
        r.json*.name == ['web-1']
        r.json[0] == [kind: 'service', name: 'web-1', instance_id: 'i-1', network_id: 'n-1', attributes: [port: '443']]
    }

    def "instance i-2 is refused with 403 grant_scope_mismatch naming the instance"() {
        when:
        def r = cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', grant, '--instance', 'i-2', '--network', 'n-1', '--output', 'json')

        then:
        r.code == 1
        r.problem.code == 'grant_scope_mismatch'
        r.problem.status == 403
        r.problem.detail.contains('i-2')
    }

    def "a grant whose source CIDRs exclude 127.0.0.1 is refused naming the source IP"() {
        given:
        def g = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--cidrs', '10.0.0.0/8,2001:db8::/32', '--output', 'json').json.bearer_token

        when:
        def r = cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', g, '--output', 'json')

        then:
        r.problem.code == 'grant_scope_mismatch'
        r.problem.detail.contains('127.0.0.1')
    }

    def "an expired grant is refused with grant_expired, even before the expiry job runs"() {
        given:
        def g = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--expires-in', '1s', '--output', 'json').json.bearer_token
        Thread.sleep(1500)

        when:
        def r = cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', g, '--output', 'json')

        then:
        r.problem.code == 'grant_expired'
        r.problem.status == 403
    }

    def "no client certificate is a 401"() {
        when:
        def r = HubHttp.get(a.url() + '/federation/v1/resources', grant)

        then:
        r.status == 401
        r.json.code == 'peer_cert_required'
    }

    def "another peer's grant is a 401"() {
        given:
        def forC = cli(a, 'grants', 'issue', '--peer', 'hub-c', '--scopes', 'read', '--output', 'json').json.bearer_token

        when:
        def r = cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', forC, '--output', 'json')

        then:
        r.problem.status == 401
        r.problem.code == 'grant_peer_mismatch'
    }

    def "a write with a read grant is a 403 grant_permission_insufficient"() {
        when:
        def peerA = b.bean(FederationService).peers().findByName('hub-a').get()
        b.bean(FederationService).clientFor(peerA).put('federation/v1/resources/service/web-9',
                [instance_id: 'i-1', network_id: 'n-1'],
                ['Authorization': 'Bearer ' + grant, 'Federation-Instance-Id': 'i-1', 'Federation-Network-Id': 'n-1'])

        then:
        def e = thrown(EntenteException)
        e.extensions().remote_code == 'grant_permission_insufficient'
    }

    def "grants explain lists every check without making the call"() {
        when:
        def ok = cli(a, 'grants', 'explain', grantId, '--instance', 'i-1', '--network', 'n-1', '--source-ip', '127.0.0.1', '--output', 'json')
        def no = cli(a, 'grants', 'explain', grantId, '--instance', 'i-2', '--network', 'n-1', '--source-ip', '::ffff:127.0.0.1', '--output', 'json')

        then:
        ok.code == 0
        ok.json.applies == true
        ok.json.checks.every { it.ok }
        no.code == 1
        no.json.applies == false
        no.json.checks.find { !it.ok }.detail.contains('i-2')
    }

    def "a revoked grant is refused with grant_revoked"() {
        when:
        cli(a, 'grants', 'revoke', grantId)
        def r = cli(b, 'remote', 'resources', 'list', '--peer', 'hub-a', '--grant', grant, '--instance', 'i-1', '--network', 'n-1', '--output', 'json')

        then:
        r.problem.code == 'grant_revoked'
    }

    def "every denial is an access.denied audit event on A, and decisions are counted by code"() {
        when:
        def denied = cli(a, 'audit', 'ls', '--type', 'access.denied', '--since', '10m', '--limit', '200', '--output', 'json').json*.code
        def metrics = HubHttp.get(a.url() + '/metrics', TestHubs.adminToken(a)).text

        then:
        denied.containsAll(['grant_scope_mismatch', 'grant_expired', 'peer_cert_required', 'grant_peer_mismatch',
                            'grant_permission_insufficient', 'grant_revoked'])
        metrics.contains('entente_federation_decisions_total{code="ok"}')
        metrics.contains('entente_federation_decisions_total{code="grant_scope_mismatch"}')
    }

    def "revoking the peer ends its grants at once"() {
        given:
        def g = cli(a, 'grants', 'issue', '--peer', 'hub-c', '--scopes', 'read', '--output', 'json').json.grant.id

        when:
        cli(a, 'peers', 'revoke', 'hub-c', '--reason', 'contract ended')

        then:
        cli(a, 'grants', 'show', g, '--output', 'json').json.state == 'revoked'
    }

    private static String link(RunningHub proposer, RunningHub accepter, String name) {
        def p = cli(proposer, 'peers', 'propose', '--name', name, '--output', 'json').json
        def r = cli(accepter, 'peers', 'accept', '--token', p.acceptance_token, '--output', 'json')
        assert r.code == 0: r.err
        eventually(20) {
            HubHttp.get(proposer.url() + '/api/v1/peers/' + p.peer.id, TestHubs.adminToken(proposer)).json.state == 'active'
        }
        p.peer.id
    }

    private static String dump(RunningHub hub, String query) {
        def sql = groovy.sql.Sql.newInstance(hub.bean(Tx).dataSource())
        try {
            sql.rows(query).collect { row -> row.values().collect { v -> v instanceof byte[] ? new String((byte[]) v, 'ISO-8859-1') : String.valueOf(v) } }.toString()
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
        def errText = err.toString().trim()
        [code   : code, json: text.startsWith('{') || text.startsWith('[') ? new JsonSlurper().parseText(text) : null,
         problem: errText.startsWith('{') ? new JsonSlurper().parseText(errText) : null, err: errText]
    }

}
