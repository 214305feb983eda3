package dev.entente.controlplane.security

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.ui.ConsoleView
import org.yaml.snakeyaml.Yaml
import spock.lang.Shared
import spock.lang.Specification

import java.net.http.HttpRequest
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * Issue 12: every route of docs/openapi.yml × every caller (admin, operator, approver, viewer, no
 * token, expired token) against one real hub. The expected answer comes from {@link RouteRules},
 * and the rules must cover exactly the documented routes, so a new route without a rule fails
 * the build (OpenApiSpec already ties the document to the router).
 */
class RouteRoleSpec extends Specification {
    static final Path DOC = Path.of('..', 'docs', 'openapi.yml')
    static final Set<String> METHODS = ['get', 'put', 'post', 'delete', 'patch'] as Set
    static final List<String> CALLERS = ['admin', 'operator', 'approver', 'viewer', 'no token', 'expired token']
    // Path parameters that name nothing: a route that passes authorization then answers 404 or 400.
    static final Map<String, String> PARAMS = [id: '00000000-0000-4000-8000-00000000d0e5', kind: 'spec-kind',
                                               name: 'spec-name', move: 'no-such-move']

    @Shared RunningHub hub
    @Shared Map<String, String> tokens

    def setupSpec() {
        hub = TestHubs.start()
        OperatorTokens issuer = hub.bean(OperatorTokens)
        tokens = [
                'admin'        : TestHubs.adminToken(hub),
                'operator'     : issuer.issue('spec-operator', [Role.OPERATOR] as Set, Duration.ofHours(1)).token(),
                'approver'     : issuer.issue('spec-approver', [Role.APPROVER] as Set, Duration.ofHours(1)).token(),
                'viewer'       : issuer.issue('spec-viewer', [Role.VIEWER] as Set, Duration.ofHours(1)).token(),
                'no token'     : null,
                // an admin token whose lifetime ended an hour ago, far beyond the clock skew allowed
                'expired token': issuer.issue('spec-expired', [Role.ADMIN] as Set, Duration.ofHours(-1)).token()]
    }

    def cleanupSpec() {
        hub?.close()
    }

    def "every documented route has exactly one rule, every rule a documented route, and every role is a caller"() {
        given:
        Set<String> documented = operations().collect { RouteRules.key(it.method, it.path) } as Set
        // the web console's rules are checked against the router by ConsoleRouteSpec
        Set<String> api = RouteRules.all().keySet().findAll { !ConsoleView.isConsole(it.substring(it.indexOf(' ') + 1)) } as Set

        expect:
        (documented - api).isEmpty()
        (api - documented).isEmpty()
        CALLERS as Set == (Role.values()*.value() + ['no token', 'expired token']) as Set
    }

    def "#method #path as #caller"() {
        given:
        RouteRules.Rule rule = RouteRules.of(method, path).orElseThrow()
        Role role = Role.parse(caller).orElse(null)

        when:
        def answer = call(method, path, tokens[caller])

        then:
        switch (rule.caller()) {
            case RouteRules.Caller.OPERATOR:
                if (caller == 'no token') {
                    assert answer.status == 401 && answer.json.code == 'auth_token_missing'
                } else if (caller == 'expired token') {
                    assert answer.status == 401 && answer.json.code == 'auth_token_expired'
                } else if (rule.allows([role])) {
                    assert !(answer.status in [401, 403]) && answer.status < 500: answer.text
                } else {
                    assert answer.status == 403 && answer.json.code == 'auth_role_forbidden'
                    assert answer.contentType.startsWith('application/problem+json')
                    assert answer.json.runbook == 'runbooks/operators-and-admin-api.md#auth_role_forbidden'
                    def audited = HubHttp.get("${hub.url()}/api/v1/audit?type=access.denied&limit=1", tokens.admin).json[0]
                    assert audited.code == 'auth_role_forbidden' && audited.actor == "spec-$caller" && audited.subject == answer.path
                }
                break
            default:
                // Operator tokens play no part: every caller gets what a caller without one gets.
                def bare = call(method, path, null)
                assert answer.status == bare.status && answer.json?.code == bare.json?.code: answer.text
                assert !(answer.json?.code?.startsWith('auth_'))
                // Sign-in routes need their parameters and a configured provider (OidcSignInSpec): a bare
                // call here is refused for those, never for want of a token.
                assert rule.caller() != RouteRules.Caller.ANYONE || answer.status == 200
                        || path.startsWith('/auth/oidc/') && answer.status in [400, 404]
        }

        where:
        [method, path, caller] << operations().collectMany { r -> CALLERS.collect { c -> [r.method.toUpperCase(), r.path, c] } }
    }

    private Map call(String method, String template, String token) {
        String path = template.replaceAll(/\{([^}]+)}/) { all, name -> PARAMS[name] ?: 'x' }
        def body = method in ['POST', 'PUT'] ? HttpRequest.BodyPublishers.ofString('{}') : HttpRequest.BodyPublishers.noBody()
        def b = HttpRequest.newBuilder(URI.create(hub.url() + path)).method(method, body).header('Content-Type', 'application/json')
        def a = HubHttp.send(b, token)
        [status: a.status, contentType: a.contentType, text: a.text, path: path,
         json: a.contentType?.contains('json') ? a.json : null]
    }

    private static List<Map> operations() {
        Map doc = new Yaml().load(Files.readString(DOC)) as Map
        doc.paths.collectMany { String path, Map item ->
            item.findAll { k, v -> k in METHODS }.collect { k, v -> [path: path, method: k] }
        }
    }
}
