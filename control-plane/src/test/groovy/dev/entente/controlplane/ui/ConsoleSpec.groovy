package dev.entente.controlplane.ui

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.doctor.DoctorFixture
import dev.entente.controlplane.doctor.DoctorFixture.MutableClock
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.security.OperatorTokens
import dev.entente.controlplane.security.Role
import spock.lang.Shared
import spock.lang.Specification

import java.nio.file.Files
import java.time.Duration

/**
 * Issue 16, the web console: signing in by pasting a token, the session cookie's attributes, the
 * strict CSP on every page, form tokens bound to the session (a forged form changes nothing),
 * the idle and absolute timeouts on a movable clock, sign-out, and what a viewer may do.
 */
class ConsoleSpec extends Specification {
    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
            "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"

    @Shared MutableClock clock = new MutableClock()
    @Shared RunningHub hub
    @Shared String admin
    @Shared String viewer
    @Shared String operator

    def setupSpec() {
        hub = DoctorFixture.start('console-hub', clock, ['entente.console.idle-timeout': '10m',
                                                         'entente.console.absolute-timeout': '1h'],
                Files.createTempDirectory('console'))
        admin = TestHubs.adminToken(hub)
        OperatorTokens tokens = hub.bean(OperatorTokens)
        viewer = tokens.issue('spec-viewer', [Role.VIEWER] as Set, Duration.ofHours(8)).token()
        operator = tokens.issue('spec-operator', [Role.OPERATOR] as Set, Duration.ofHours(8)).token()
    }

    def cleanupSpec() {
        hub?.stop()
    }

    def "without a session every page sends the browser to sign in, and a client that is no browser gets 401 console_session_required"() {
        given:
        def browser = new ConsoleBrowser(hub)

        when:
        def page = browser.get('/ui/peers')
        def api = HubHttp.get(hub.url() + '/ui/peers', admin)

        then: 'a bearer token plays no part on the console'
        page.status == 303
        page.location() == '/ui/login'
        api.status == 401
        api.json.code == 'console_session_required'
        api.json.runbook == 'runbooks/operators-and-admin-api.md#console_session_required'
    }

    def "signing in with a pasted token sets an HttpOnly, Secure, SameSite=Strict cookie on /ui and shows the overview"() {
        given:
        def browser = new ConsoleBrowser(hub)

        when:
        def signedIn = browser.signIn(admin)
        def overview = browser.get('/ui')

        then:
        signedIn.status == 303
        signedIn.location() == '/ui'
        def cookie = signedIn.setCookies().find { it.startsWith(browser.session + '=') }
        cookie != null
        // attribute names are case-insensitive (RFC 6265 §5.2); Netty writes HTTPOnly
        cookie.split(/;\s*/)*.toLowerCase().containsAll(['httponly', 'secure', 'samesite=strict', 'path=/ui'])

        and: 'the overview names the hub, its fingerprint and health'
        overview.status == 200
        overview.contentType.startsWith('text/html')
        overview.byId('hub-identity-name') == 'console-hub'
        overview.byId('tls-fingerprint') ==~ /\S{32,}/
        overview.has('health')
        overview.byId('operator') == 'admin'

        and: 'the sign-in is audited'
        HubHttp.get(hub.url() + '/api/v1/audit?type=console.signed_in&limit=1', admin).json[0].actor == 'admin'
    }

    def "every page and asset carries the strict CSP and no inline script or style"() {
        given:
        def browser = new ConsoleBrowser(hub)
        browser.signIn(admin)

        expect:
        ['/ui', '/ui/peers', '/ui/approvals', '/ui/ca', '/ui/grants', '/ui/audit', '/ui/login', '/ui/runbook/DR001',
         '/ui/assets/console.css', '/ui/assets/console.js'].every { path ->
            def page = browser.get(path)
            assert page.status == 200: "${path}: ${page.status} ${page.text?.take(300)}"
            assert page.header('content-security-policy') == CSP: path
            assert page.header('x-content-type-options') == 'nosniff'
            assert page.header('cache-control') == 'no-store'
            assert !(page.text =~ /<script(?![^>]*\ssrc=)[^>]*>/): "${path} has an inline script"
            assert !(page.text =~ /<style|\sstyle="|\son[a-z]+="/): "${path} has inline style or handlers"
            true
        }
    }

    def "a form without its token, with a wrong one, or with another session's is refused with console_csrf_invalid and changes nothing"() {
        given: 'two signed-in browsers'
        def mine = new ConsoleBrowser(hub)
        mine.signIn(admin)
        def other = new ConsoleBrowser(hub)
        other.signIn(admin)
        String othersToken = other.csrf('/ui/peers')

        when:
        def missing = mine.post('/ui/peers', [name: 'csrf-missing'])
        def wrong = mine.post('/ui/peers', [name: 'csrf-wrong', csrf: 'x' * 43])
        def foreign = mine.post('/ui/peers', [name: 'csrf-foreign', csrf: othersToken])

        then:
        [missing, wrong, foreign].every { it.status == 403 && it.byId('problem-code') == 'console_csrf_invalid' }
        missing.header('content-security-policy') == CSP

        and: 'no peer was proposed'
        HubHttp.get(hub.url() + '/api/v1/peers', admin).json.findAll { it.name.startsWith('csrf-') }.isEmpty()

        and: 'each refusal is an access.denied event with its code'
        HubHttp.get(hub.url() + '/api/v1/audit?type=access.denied&limit=3', admin).json.count { it.code == 'console_csrf_invalid' } == 3

        when: 'its own token works'
        def proposed = mine.post('/ui/peers', [name: 'csrf-own', csrf: mine.csrf('/ui/peers')])

        then: 'and the acceptance token is shown once'
        proposed.status == 200
        proposed.byId('propose-token') ==~ /[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/
        !mine.get('/ui/peers').text.contains(proposed.byId('propose-token'))
    }

    def "the sign-in form needs the token of its own page"() {
        given:
        def browser = new ConsoleBrowser(hub)
        browser.get('/ui/login')

        when:
        def answer = browser.post('/ui/login', [token: admin])

        then:
        answer.status == 403
        answer.byId('problem-code') == 'console_csrf_invalid'
        !browser.cookies.containsKey(browser.session)
    }

    def "a wrong pasted token is refused with the admin API's code"() {
        given:
        def browser = new ConsoleBrowser(hub)

        when:
        def answer = browser.signIn(admin.substring(0, admin.length() - 4) + 'AAAA')

        then:
        answer.status == 401
        answer.byId('problem-code') == 'auth_token_signature_invalid'
        !browser.cookies.containsKey(browser.session)
    }

    def "a viewer sees every page but no action, and is refused with auth_role_forbidden when it posts anyway"() {
        given:
        def browser = new ConsoleBrowser(hub)
        browser.signIn(viewer)

        when:
        def peers = browser.get('/ui/peers')
        def posted = browser.post('/ui/peers', [name: 'by-viewer', csrf: peers.csrf()])

        then:
        peers.status == 200
        !peers.has('propose-form')
        !browser.get('/ui/ca').has('ca-moves')
        posted.status == 403
        posted.byId('problem-code') == 'auth_role_forbidden'
        HubHttp.get(hub.url() + '/api/v1/peers', admin).json.every { it.name != 'by-viewer' }
    }

    def "an operator gets the action forms"() {
        given:
        def browser = new ConsoleBrowser(hub)
        browser.signIn(operator)

        expect:
        browser.get('/ui/peers').has('propose-form')
        browser.get('/ui/grants').has('grant-issue-form')
    }

    def "a session ends after the idle timeout without a request"() {
        given:
        def browser = new ConsoleBrowser(hub)
        browser.signIn(admin)

        when: 'requests keep it alive'
        clock.advance(Duration.ofMinutes(8))
        def kept = browser.get('/ui')
        clock.advance(Duration.ofMinutes(8))
        def stillKept = browser.get('/ui')

        and: 'then none for longer than the idle timeout'
        clock.advance(Duration.ofMinutes(11))
        def ended = browser.get('/ui')

        then:
        kept.status == 200
        stillKept.status == 200
        ended.status == 303
        ended.location() == '/ui/login?ended=idle'
        browser.get('/ui/login?ended=idle').has('session-ended')
    }

    def "a session ends at the absolute timeout however busy it is"() {
        given:
        def browser = new ConsoleBrowser(hub)
        browser.signIn(admin)

        when:
        6.times {
            clock.advance(Duration.ofMinutes(9))
            assert browser.get('/ui').status == 200
        }
        clock.advance(Duration.ofMinutes(7))
        def ended = browser.get('/ui')

        then:
        ended.status == 303
        ended.location() == '/ui/login?ended=absolute'
    }

    def "signing out ends the session, and its cookie no longer opens a page"() {
        given:
        def browser = new ConsoleBrowser(hub)
        browser.signIn(admin)
        String cookie = browser.cookies[browser.session]

        when:
        def out = browser.post('/ui/logout', [csrf: browser.csrf()])
        browser.cookies[browser.session] = cookie
        def replay = browser.get('/ui')

        then:
        out.status == 303
        out.location() == '/ui/login?ended=signed_out'
        replay.status == 303
        HubHttp.get(hub.url() + '/api/v1/audit?type=console.signed_out&limit=1', admin).json[0].actor == 'admin'
    }

    def "revoking the token a session stands on ends the session"() {
        given:
        String token = TestHubs.cli(hub, 'operators', 'token', 'issue', '--for', 'spec-revoked', '--role', 'operator',
                '--output', 'json').json.token
        String jti = new groovy.json.JsonSlurper().parse(Base64.urlDecoder.decode(token.split(/\./)[1])).jti
        def browser = new ConsoleBrowser(hub)
        browser.signIn(token)

        when:
        def before = browser.get('/ui')
        def revoked = HubHttp.post(hub.url() + "/api/v1/operators/tokens/${jti}/revoke", '{"reason": "spec"}', admin)
        def after = browser.get('/ui')

        then:
        before.status == 200
        revoked.status == 200
        after.status == 303
        after.location() == '/ui/login?ended=revoked'
    }
}
