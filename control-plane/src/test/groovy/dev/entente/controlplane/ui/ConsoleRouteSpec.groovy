package dev.entente.controlplane.ui

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.security.OperatorTokens
import dev.entente.controlplane.security.Role
import dev.entente.controlplane.security.RouteRules
import io.micronaut.web.router.Router
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration

/**
 * Issue 16: the console's routes × callers, as RouteRoleSpec does for the admin API. Every
 * {@code /ui} route of the router has exactly one rule in {@link RouteRules}; each is called by a
 * signed-in admin, operator, approver and viewer (a form with its session's token) and by a
 * browser without a session, and the answer is what the rule says: refused with
 * {@code auth_role_forbidden} for a role without the permission, sent to sign in without a
 * session, otherwise past authorization and never a 5xx.
 */
class ConsoleRouteSpec extends Specification {
    static final List<String> CALLERS = ['admin', 'operator', 'approver', 'viewer', 'no session']
    // Path parameters that name nothing: a route that passes authorization then answers 404 or 400.
    static final Map<String, String> PARAMS = [id: '00000000-0000-4000-8000-00000000d0e5', move: 'no-such-move',
                                               name: 'no-such-asset', code: 'no_such_code']

    @Shared RunningHub hub
    @Shared Map<String, String> tokens

    def setupSpec() {
        hub = TestHubs.start()
        OperatorTokens issuer = hub.bean(OperatorTokens)
        tokens = ['admin'   : TestHubs.adminToken(hub),
                  'operator': issuer.issue('spec-operator', [Role.OPERATOR] as Set, Duration.ofHours(1)).token(),
                  'approver': issuer.issue('spec-approver', [Role.APPROVER] as Set, Duration.ofHours(1)).token(),
                  'viewer'  : issuer.issue('spec-viewer', [Role.VIEWER] as Set, Duration.ofHours(1)).token()]
    }

    def cleanupSpec() {
        hub?.close()
    }

    def "every console route has exactly one rule and every console rule a route"() {
        given:
        Set<String> routed = routes().collect { RouteRules.key(it.method, it.path) } as Set
        Set<String> ruled = RouteRules.all().keySet().findAll { ConsoleView.isConsole(it.substring(it.indexOf(' ') + 1)) } as Set

        expect:
        routed.size() >= 25
        (routed - ruled).isEmpty()
        (ruled - routed).isEmpty()
    }

    def "#method #path as #caller"() {
        given:
        RouteRules.Rule rule = RouteRules.of(method, path).orElseThrow()
        Role role = Role.parse(caller).orElse(null)
        def browser = new ConsoleBrowser(hub)
        if (role != null) {
            assert browser.signIn(tokens[caller]).status == 303
        }
        String url = path.replaceAll(/\{([^}]+)}/) { all, name -> PARAMS[name] }

        when:
        // a form carries the token of the page it is on: the sign-in page's own, or the session's
        String csrf = path == '/ui/login' ? browser.csrf('/ui/login') : role == null ? null : browser.csrf()
        def answer = method == 'GET' ? browser.get(url) : browser.post(url, csrf == null ? [:] : [csrf: csrf])
        String code = answer.contentType?.startsWith('text/html') ? answer.byId('problem-code') : null

        then:
        answer.status < 500
        answer.header('content-security-policy') == ConsoleView.CSP
        switch (rule.caller()) {
            case RouteRules.Caller.OPERATOR:
                if (role == null) {
                    assert answer.status == 303 && answer.location() == '/ui/login'
                } else if (rule.allows([role])) {
                    assert !(answer.status in [401, 403]): answer.text
                } else {
                    assert answer.status == 403 && code == 'auth_role_forbidden': answer.text
                }
                break
            default:
                assert !(code in ['auth_role_forbidden', 'console_session_required', 'console_csrf_invalid']): answer.text
                assert answer.status != 303 || answer.location() != '/ui/login'
        }

        where:
        [method, path, caller] << routes().collectMany { r -> CALLERS.collect { c -> [r.method, r.path, c] } }
    }

    private List<Map> routes() {
        hub.context().getBean(Router).uriRoutes()
                .findAll { ConsoleView.isConsole(it.uriMatchTemplate.toString()) }
                .collect { [method: it.httpMethodName.toUpperCase(), path: it.uriMatchTemplate.toString()] }
                .findAll { it.method != 'HEAD' }
                .unique()
    }
}
