package dev.entente.controlplane.ui

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import no.nav.security.mock.oauth2.MockOAuth2Server
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files

/**
 * Issue 16: signing in to the console through a real OpenID Connect provider in-process
 * (mock-oauth2-server): the browser follows the real redirects, the hub's callback opens the
 * console session on the sign-in session it mints, groups map to roles, and signing out of the
 * console revokes that session.
 */
class ConsoleOidcSpec extends Specification {
    static final String ISSUER_ID = 'default'

    @Shared MockOAuth2Server idp = new MockOAuth2Server()
    @Shared RunningHub hub
    @Shared String issuer
    @Shared String admin

    def setupSpec() {
        idp.start()
        issuer = idp.issuerUrl(ISSUER_ID).toString()
        hub = TestHubs.start(Files.createTempDirectory('console-oidc'), [
                'entente.oidc.issuer'                   : issuer,
                'entente.oidc.client-id'                : 'entente-hub',
                'entente.oidc.client-secret'            : 'hub-secret',
                'entente.oidc.groups-to-roles.sre'      : 'operator',
                'entente.oidc.groups-to-roles.auditors' : 'viewer'])
        admin = TestHubs.adminToken(hub)
    }

    def cleanupSpec() {
        hub?.close()
        idp.shutdown()
    }

    def "alice signs in with the identity provider and lands on the console as oidc:alice, an operator"() {
        given:
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, 'alice', 'JWT', null, [groups: ['sre']], 3600L))
        def browser = new ConsoleBrowser(hub)

        when: 'the sign-in page offers the provider, and the browser follows its redirects'
        def login = browser.get('/ui/login')
        def start = browser.get('/ui/login/oidc')
        def landed = browser.follow(start.location())

        then: 'the callback opens the session and moves on to the console with a page of the hub'
        login.has('oidc-login')
        start.status == 303
        start.location().startsWith(issuer)
        landed.status == 200
        landed.has('signed-in')
        landed.text.contains('http-equiv="refresh"')
        landed.header('content-security-policy') == ConsoleView.CSP
        browser.cookies.containsKey(browser.session)

        when:
        def overview = browser.get('/ui')

        then:
        overview.status == 200
        overview.byId('operator') == "oidc:alice@${issuer}".toString()
        overview.byId('operator-roles') == 'operator'
        browser.get('/ui/peers').has('propose-form')

        when: 'alice signs out'
        def out = browser.post('/ui/logout', [csrf: overview.csrf()])

        then: 'her sign-in session is revoked with the console session'
        out.location() == '/ui/login?ended=signed_out'
        HubHttp.get(hub.url() + '/api/v1/operators/tokens', admin).json
                .find { it.subject == "oidc:alice@${issuer}".toString() }.revoked_at != null
    }

    def "a callback URL taken from the browser that started the sign-in signs no other browser in"() {
        given: 'the attacker starts a sign-in and stops at the way back to the hub (the code is never redeemed)'
        def attacker = new ConsoleBrowser(hub)
        def start = attacker.get('/ui/login/oidc')
        String callback = attacker.visit(start.location()).location()

        when: "the victim's browser is made to open it"
        def victim = new ConsoleBrowser(hub)
        def answer = victim.visit(callback)

        then:
        callback.contains('/auth/oidc/callback')
        answer.status == 400
        answer.text.contains('oidc_login_unknown')
        !victim.cookies.containsKey(victim.session)
    }

    def "someone in no mapped group is sent back to the sign-in page with oidc_no_role"() {
        given:
        idp.enqueueCallback(new DefaultOAuth2TokenCallback(ISSUER_ID, 'mallory', 'JWT', null, [groups: ['interns']], 3600L))
        def browser = new ConsoleBrowser(hub)

        when:
        def start = browser.get('/ui/login/oidc')
        def landed = browser.follow(start.location())

        then:
        landed.status == 200
        landed.byId('problem-code') == 'oidc_no_role'
        !browser.cookies.containsKey(browser.session)
    }
}
