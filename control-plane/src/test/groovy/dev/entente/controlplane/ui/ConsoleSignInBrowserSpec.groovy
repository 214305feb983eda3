package dev.entente.controlplane.ui

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.doctor.DoctorFixture
import dev.entente.controlplane.doctor.DoctorFixture.MutableClock
import dev.entente.controlplane.hub.RunningHub
import no.nav.security.mock.oauth2.MockOAuth2Server
import no.nav.security.mock.oauth2.OAuth2Config
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.time.Duration

/**
 * Issue 16, signing in to the console in a real browser: through the identity provider's own
 * login form (mock-oauth2-server in-process, interactive: the browser follows the real redirects
 * and fills in the provider's page), refused without a mapped group, signing out, and the
 * session's idle and absolute timeouts on a movable clock.
 */
@Stepwise
class ConsoleSignInBrowserSpec extends Specification {
    static final String ISSUER_ID = 'default'

    @Shared MockOAuth2Server idp = new MockOAuth2Server(new OAuth2Config(true))
    @Shared MutableClock clock = new MutableClock()
    @Shared RunningHub hub
    @Shared String issuer
    @Shared Browser browser

    def setupSpec() {
        idp.start()
        issuer = idp.issuerUrl(ISSUER_ID).toString()
        hub = DoctorFixture.start('hub-a', clock, Browser.tlsFor('hub-a') + [
                'entente.oidc.issuer'                  : issuer,
                'entente.oidc.client-id'               : 'entente-hub',
                'entente.oidc.client-secret'           : 'hub-secret',
                'entente.oidc.groups-to-roles.sre'     : 'operator',
                'entente.oidc.groups-to-roles.auditors': 'viewer',
                'entente.console.idle-timeout'         : '10m',
                'entente.console.absolute-timeout'     : '1h'], Files.createTempDirectory('entente-console-signin'))
        browser = Browser.open(hub)
    }

    def cleanupSpec() {
        browser?.close()
        hub?.stop()
        idp.shutdown()
    }

    def cleanup() {
        browser.assertNoPageErrors()
    }

    def "the sign-in page offers both paths: the identity provider and a pasted operator token"() {
        when:
        browser.visit(hub.url() + '/ui')

        then:
        browser.url == hub.url() + '/ui/login'
        browser.has('#oidc-login')
        browser.has('#token-login-form')
        browser.document('sign-in')
    }

    def "alice signs in on the identity provider's login form and lands on the console as an operator"() {
        when: 'the browser follows the redirect to the provider and alice fills in its form'
        browser.click('#oidc-login')
        providerForm('alice', '{"groups": ["sre"]}')

        then: 'the hub\'s callback opened the session and moved on to the overview'
        browser.waitFor(20) { browser.url == hub.url() + '/ui' }
        browser.byId('operator').text == "oidc:alice@${issuer}".toString()
        browser.byId('operator-roles').text == 'operator'

        and: 'her actions are there'
        browser.visit(hub.url() + '/ui/peers')
        browser.has('#propose-form')
    }

    def "signing out ends the console session and revokes the sign-in session at the hub"() {
        when:
        browser.click('#logout')

        then:
        browser.url == hub.url() + '/ui/login?ended=signed_out'
        browser.byId('session-ended').text == 'You signed out.'

        and:
        browser.visit(hub.url() + '/ui/peers')
        browser.url == hub.url() + '/ui/login'
        HubHttp.get(hub.url() + '/api/v1/operators/tokens', TestHubs.adminToken(hub)).json
                .find { it.subject == "oidc:alice@${issuer}".toString() }.revoked_at != null
    }

    def "someone the provider knows in no mapped group is refused with oidc_no_role"() {
        when:
        browser.visit(hub.url() + '/ui/login')
        browser.click('#oidc-login')
        providerForm('mallory', '{"groups": ["marketing"]}')

        then:
        browser.waitFor(20) { browser.has('#problem-code') }
        browser.byId('problem-code').text == 'oidc_no_role'

        and: 'no console for mallory'
        browser.visit(hub.url() + '/ui')
        browser.url == hub.url() + '/ui/login'
    }

    def "a session left alone past the idle timeout ends, and the sign-in page says why"() {
        given:
        signIn()

        when:
        clock.advance(Duration.ofMinutes(11))
        browser.visit(hub.url() + '/ui/peers')

        then:
        browser.url.startsWith(hub.url() + '/ui/login')
        browser.byId('session-ended').text.contains('no request for too long')
    }

    def "a busy session still ends at the absolute timeout"() {
        given:
        signIn()

        when: 'a page every nine minutes, for more than an hour'
        List<String> seen = (1..7).collect {
            clock.advance(Duration.ofMinutes(9))
            browser.visit(hub.url() + '/ui')
            browser.url
        }

        then:
        seen.take(6).every { it == hub.url() + '/ui' }
        seen.last().startsWith(hub.url() + '/ui/login')
        browser.byId('session-ended').text.contains('signed in too long ago')
    }

    /** On the provider's login page: the subject and the claims its ID token will carry. */
    private void providerForm(String subject, String claims) {
        browser.waitFor(20) { browser.url.startsWith(issuer) && browser.has('input[name=username]') }
        browser.type('input[name=username]', subject).type('textarea[name=claims]', claims)
        // the provider's page asks a font from the internet, which this browser cannot reach
        browser.expectFailedLoad('http://fonts.googleapis.com/').expectFailedLoad('https://fonts.googleapis.com/')
        browser.click('input[type=submit]')
    }

    private void signIn() {
        browser.visit(hub.url() + '/ui/login')
        browser.type('#token', TestHubs.adminToken(hub)).click('#token-login')
        browser.waitFor(20) { browser.url == hub.url() + '/ui' }
    }
}
