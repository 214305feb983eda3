package dev.entente.controlplane.ui

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.security.OperatorTokens
import dev.entente.controlplane.security.Role
import groovy.json.JsonSlurper
import org.openqa.selenium.support.ui.Select
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.time.Duration

/**
 * Issue 16, the console in a real browser, as two operators run it during a working day: hub A's
 * operator and hub B's link their hubs from the two consoles, A issues a grant, walks a CA rotation
 * with hub B lagging, and revokes B, which waits for a second operator who approves it in another
 * browser; a viewer sees no action and is refused when it posts anyway. Chromium enforces the
 * console's CSP on every page and the spec fails on any violation or script error. The pages'
 * screenshots in docs/console are taken here.
 */
@Stepwise
class ConsoleBrowserSpec extends Specification {
    // quick enough for a spec, slow enough that a loaded machine does not show a stalled worker in the screenshots
    static final Map FAST = ['entente.heartbeat.interval': '3s', 'entente.heartbeat.stale-after': '15s',
                             'entente.sweep.interval': '3s']

    @Shared RunningHub a
    @Shared RunningHub b
    /** Hub A's operator (signed in with A's admin token). */
    @Shared Browser alice
    /** Another operator's browser: hub B's admin while linking, then an approver on A, then a viewer. */
    @Shared Browser other
    @Shared String acceptanceToken
    @Shared String peerId

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('entente-console-a'), FAST + Browser.tlsFor('hub-a') +
                ['entente.approvals.policy.peer.revoke': 'require_approval'])
        b = TestHubs.start(Files.createTempDirectory('entente-console-b'), FAST + Browser.tlsFor('hub-b'))
        alice = Browser.open(a)
        other = Browser.open(a, b)
    }

    def cleanupSpec() {
        other?.close()
        alice?.close()
        b?.stop()
        a?.stop()
    }

    def cleanup() {
        alice.assertNoPageErrors()
        other.assertNoPageErrors()
    }

    def "the console sends a visitor to sign in; a pasted operator token opens the overview"() {
        when:
        alice.visit(a.url() + '/ui/peers')

        then:
        alice.url == a.url() + '/ui/login'
        alice.has('#token-login-form')

        when:
        signIn(alice, a, TestHubs.adminToken(a))

        then:
        alice.url == a.url() + '/ui'
        alice.byId('hub-identity-name').text == 'hub-a'
        alice.byId('tls-fingerprint').text == new JsonSlurper().parse(a.dataDir().resolve('hub.json').toFile()).tls_fingerprint
        alice.byId('operator').text == 'admin'
    }

    def "the page's own script runs under the CSP, and a script injected inline is blocked and reported"() {
        when: 'an inline script and an inline style are slipped into the page'
        alice.driver.executeScript('''
            var s = document.createElement('script'); s.textContent = 'window.injected = true'; document.body.appendChild(s);
            var d = document.createElement('div'); d.setAttribute('style', 'color: red'); document.body.appendChild(d);''')

        then: 'Chromium refused both and said so'
        alice.driver.executeScript('return window.injected === undefined') == true
        def errors = alice.takePageErrors()
        errors.any { it.contains('inline script') && it.contains("script-src 'self'") && it.contains('blocked') }
        errors.any { it.contains('inline style') && it.contains("style-src 'self'") && it.contains('blocked') }
    }

    def "A proposes hub B on its console and sees the acceptance token once, with a copy button"() {
        when:
        alice.visit(a.url() + '/ui/peers')
        alice.type('#propose-name', 'hub-b').click('#propose')
        acceptanceToken = alice.byId('propose-token').text.trim()

        then:
        acceptanceToken.count('.') == 2

        when: 'the copy button puts it on the clipboard'
        alice.click('#copy-propose-token')

        then:
        alice.waitFor(5) { alice.byId('copy-propose-token').text == 'Copied' }

        when: 'the operator leaves the page'
        alice.click('#back')

        then: 'the peer\'s page does not show the token'
        alice.byId('peer-state').text == 'proposed'
        !alice.driver.pageSource.contains(acceptanceToken)

        when: 'and goes back to it'
        alice.driver.navigate().back()

        then: 'the browser kept no copy of the page that showed it'
        !alice.driver.pageSource.contains(acceptanceToken)

        cleanup: 'the browser reports the page it would not show from cache'
        alice.takePageErrors()
    }

    def "B's operator accepts the token on B's console, and A's console shows hub B active"() {
        when:
        other.visit(b.url() + '/ui')
        signIn(other, b, TestHubs.adminToken(b))
        other.visit(b.url() + '/ui/peers')
        other.type('#accept-token', acceptanceToken).type('#accept-name', 'hub-a').click('#accept')

        then:
        other.visit(b.url() + '/ui/peers')
        other.has('#peer-hub-a')

        and:
        TestHubs.eventually(30) {
            alice.visit(a.url() + '/ui/peers')
            alice.find('#peer-hub-b .state').text == 'active'
        }
        alice.waitFor(20) {
            alice.visit(a.url() + '/ui/peers')
            !alice.find('#peer-hub-b').text.contains('never')
        }
        alice.document('peers')

        when:
        peerId = alice.find('#peer-hub-b .peer-link').getAttribute('href').tokenize('/').last()

        then:
        peerId
    }

    def "A issues a grant to hub B: the bearer is shown once, and explain shows the checks"() {
        when:
        alice.visit(a.url() + '/ui/grants')
        new Select(alice.find('#grant-peer')).selectByVisibleText('hub-b')
        alice.type('#grant-instances', 'db-primary, db-replica').type('#grant-networks', 'backend')
                .type('#grant-expires-in', '7d').click('#grant-issue')

        then:
        alice.byId('grant-bearer').text.trim() ==~ /fg-[0-9a-f-]+\.[A-Za-z0-9_-]+/

        when:
        alice.visit(a.url() + '/ui/grants')

        then:
        alice.findAll('#grants-table tbody tr').size() == 1
        alice.document('grants')

        when:
        alice.click('#grants-table a[id^=explain-]')

        then:
        alice.has('#explain-table')
        alice.has('#explain-verdict')
    }

    def "the overview shows the linked hub, its health and the doctor's findings"() {
        when:
        alice.visit(a.url() + '/ui')

        then:
        alice.byId('hub-identity-name').text == 'hub-a'
        alice.has('#health')
        alice.document('overview')
    }

    def "B's operator signs out of B's console"() {
        when:
        other.visit(b.url() + '/ui')
        other.click('#logout')

        then:
        other.url.startsWith(b.url() + '/ui/login')
        other.byId('session-ended').text.contains('You signed out')

        when: 'the console is asked for again'
        other.visit(b.url() + '/ui/peers')

        then:
        other.url == b.url() + '/ui/login'
    }

    def "with hub B gone, a CA rotation on A names B as the laggard and each move's confirmation says what it does"() {
        given: 'hub B stops: it will not renew its node certificate under a new key'
        b.stop()

        when:
        alice.visit(a.url() + '/ui/ca')
        alice.click('#ca-start')

        then:
        alice.byId('ca-consequence').text.contains('A new CA key is generated')

        when:
        alice.click('#ca-confirm')
        alice.visit(a.url() + '/ui/ca')
        alice.click('#ca-advance')
        alice.click('#ca-confirm')
        alice.visit(a.url() + '/ui/ca')

        then:
        alice.byId('ca-phase').text == 'update_clients'
        alice.find('#ca-laggards .laggard-name').text == 'hub-b'
        alice.byId('ca-standby-fingerprint').text != alice.byId('ca-active-fingerprint').text
        alice.document('rotation')

        when: 'advancing now would cut hub B off'
        alice.click('#ca-advance')

        then:
        alice.byId('ca-consequence').text.startsWith('1 laggard will be cut off')
        alice.findAll('#ca-cut-off li')*.text == ['hub-b']
        alice.byId('ca-confirm').text == 'Advance and cut them off'

        when: 'the operator cancels and rolls back instead'
        alice.click('#ca-cancel')
        alice.click('#ca-rollback')

        then:
        alice.byId('ca-consequence').text.startsWith('Signing returns to the old key')

        when:
        alice.click('#ca-confirm')
        alice.visit(a.url() + '/ui/ca')

        then:
        alice.byId('ca-phase').text == 'rollback'
    }

    def "A's revoke of hub B waits for approval; a second operator approves it in another browser"() {
        given: 'bob, an approver, signs in on another browser'
        String bob = a.bean(OperatorTokens).issue('bob', [Role.APPROVER] as Set, Duration.ofHours(1)).token()
        other.visit(a.url() + '/ui')
        signIn(other, a, bob)

        when: 'alice revokes hub B'
        alice.visit(a.url() + '/ui/peers/' + peerId)
        alice.type('#revoke-form input[name=reason]', 'hub B was decommissioned').click('#revoke')

        then: 'nothing changed yet: the revoke waits for a second operator'
        alice.has('#approval-pending')
        alice.byId('pending-action').text == 'peer.revoke'
        def approval = alice.byId('pending-id').text
        alice.visit(a.url() + '/ui/peers/' + peerId)
        alice.byId('peer-state').text != 'revoked'

        when:
        other.visit(a.url() + '/ui/approvals')

        then:
        other.find("#approval-${approval}").text.contains('admin')
        other.find("#approval-${approval}").text.contains('peer.revoke')
        other.document('approvals')

        when:
        other.click("#approve-form-${approval} button")

        then:
        other.byId('approval-state').text == 'executed'
        alice.visit(a.url() + '/ui/peers/' + peerId)
        alice.byId('peer-state').text == 'revoked'
    }

    def "the audit page lists who did what, filtered by actor"() {
        when:
        alice.visit(a.url() + '/ui/audit')
        alice.type('#audit-actor', 'bob').click('#audit-apply')

        then:
        alice.has('#audit-table')
        alice.findAll('#audit-table tbody tr').every { it.text.contains('bob') }

        when:
        alice.visit(a.url() + '/ui/audit')

        then:
        alice.findAll('#audit-table tbody tr').size() > 3
        alice.document('audit')
    }

    def "a viewer sees every page but no action, and a form posted anyway is refused"() {
        given:
        String viewer = a.bean(OperatorTokens).issue('vera', [Role.VIEWER] as Set, Duration.ofHours(1)).token()
        other.click('#logout')
        signIn(other, a, viewer)

        expect: 'pages without their forms'
        other.visit(a.url() + '/ui/peers')
        other.has('#peers-table') && !other.has('#propose-form') && !other.has('#accept-form')
        other.visit(a.url() + '/ui/peers/' + peerId)
        other.has('#peer-detail') && !other.has('#peer-actions')
        other.visit(a.url() + '/ui/ca')
        other.has('#ca-timeline') && !other.has('#ca-moves')
        other.visit(a.url() + '/ui/grants')
        other.has('#grants-table') && !other.has('#grant-issue-form') && !other.has('form[id^=revoke-grant-form-]')
        other.visit(a.url() + '/ui/approvals')
        !other.has('form[id^=approve-form-]')

        when: 'the viewer builds the propose form itself, with its own session\'s form token'
        other.visit(a.url() + '/ui/peers')
        other.expectFailedLoad(a.url() + '/ui/peers')
        other.driver.executeScript('''
            var f = document.createElement('form'); f.method = 'post'; f.action = '/ui/peers';
            [['csrf', document.querySelector('#logout-form input[name=csrf]').value], ['name', 'sneaky']].forEach(function (kv) {
              var i = document.createElement('input'); i.type = 'hidden'; i.name = kv[0]; i.value = kv[1]; f.appendChild(i);
            });
            document.body.appendChild(f); f.submit();''')
        other.waitFor { other.has('#problem-code') }

        then:
        other.byId('problem-code').text == 'auth_role_forbidden'
        other.byId('problem-status').text == '403'
        TestHubs.cli(a, 'peers', 'list', '--output', 'json').json.every { it.name != 'sneaky' }
    }

    /** Pastes {@code token} into the sign-in form of {@code hub}'s console. */
    private static void signIn(Browser browser, RunningHub hub, String token) {
        browser.visit(hub.url() + '/ui/login')
        browser.type('#token', token).click('#token-login')
        browser.waitFor(20) { browser.url == hub.url() + '/ui' }
    }
}
