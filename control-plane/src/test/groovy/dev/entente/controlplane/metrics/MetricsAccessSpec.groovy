package dev.entente.controlplane.metrics

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import java.nio.file.Files

import static dev.entente.controlplane.TestHubs.cli

/**
 * {@code GET /metrics} names every peer, so it needs an operator token with any role, answered
 * and audited as any other read refuses; {@code entente.metrics.unauthenticated-access} opens it
 * for a hub only a trusted network reaches.
 */
class MetricsAccessSpec extends Specification {
    @Shared RunningHub closed
    @Shared RunningHub open
    @Shared Map<RunningHub, Map<String, String>> tokens = [:]

    def setupSpec() {
        closed = TestHubs.start(Files.createTempDirectory('entente-metrics-closed'))
        open = TestHubs.start(Files.createTempDirectory('entente-metrics-open'), ['entente.metrics.unauthenticated-access': true])
        [closed, open].each { hub ->
            Map<String, String> t = [admin: TestHubs.adminToken(hub), bad: 'not-a-token']
            ['viewer', 'operator'].each { role -> t[role] = issue(hub, "prom-$role", role) }
            t.revoked = issue(hub, 'prom-revoked', 'viewer')
            String id = cli(hub, 'operators', 'token', 'list', '--output', 'json').json.find { it.subject == 'prom-revoked' }.id
            def revoke = cli(hub, 'operators', 'token', 'revoke', id, '--reason', 'scraper retired')
            assert revoke.code == 0: revoke.err
            tokens[hub] = t
        }
    }

    def cleanupSpec() {
        open?.stop()
        closed?.stop()
    }

    private static String issue(RunningHub hub, String subject, String role) {
        def issued = cli(hub, 'operators', 'token', 'issue', '--for', subject, '--role', role, '--output', 'json')
        assert issued.code == 0: issued.err
        issued.json.token
    }

    @Unroll
    def "a scrape with #caller, unauthenticated-access #anonymous: #status #code"() {
        given:
        RunningHub hub = anonymous ? open : closed

        when:
        def r = HubHttp.get(hub.url() + '/metrics', caller == 'no token' ? null : tokens[hub][caller])

        then:
        r.status == status
        if (status == 200) {
            assert r.text.contains('entente_')
        } else {
            assert r.contentType.startsWith('application/problem+json')
            assert r.json.code == code
            assert r.json.runbook == "runbooks/operators-and-admin-api.md#$code"
            def audited = HubHttp.get(hub.url() + '/api/v1/audit?type=access.denied&limit=1', tokens[hub].admin).json[0]
            assert audited.code == code && audited.subject == '/metrics'
        }

        where:
        caller     | anonymous | status | code
        'no token' | false     | 401    | 'auth_token_missing'
        'viewer'   | false     | 200    | null
        'operator' | false     | 200    | null
        'admin'    | false     | 200    | null
        'revoked'  | false     | 401    | 'operator_token_revoked'
        'bad'      | false     | 401    | 'auth_token_malformed'
        'no token' | true      | 200    | null
        'viewer'   | true      | 200    | null
        'operator' | true      | 200    | null
        'admin'    | true      | 200    | null
        'revoked'  | true      | 200    | null
        'bad'      | true      | 200    | null
    }
}
