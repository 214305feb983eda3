package dev.entente.controlplane.ui

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files

/**
 * Issue 16's follow-up: two hubs on one host, at two ports, and one browser. Cookies ignore the
 * port, so the browser sends each hub the other's cookies too: each hub names its cookies after
 * itself, so signing in to one does not sign the browser out of the other, and the other's cookie
 * is no session there, not even an ended one. A session cookie of the name before (issued by this
 * hub before cookies were named per hub) still opens its session.
 */
@Stepwise
class ConsoleTwoHubsSpec extends Specification {
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared Map<String, String> jar = [:]
    @Shared ConsoleBrowser atA
    @Shared ConsoleBrowser atB

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('console-two-a'), ['entente.hub.name': 'console-a'])
        b = TestHubs.start(Files.createTempDirectory('console-two-b'), ['entente.hub.name': 'console-b'])
        atA = new ConsoleBrowser(a, jar)
        atB = new ConsoleBrowser(b, jar)
        assert URI.create(a.url()).host == URI.create(b.url()).host && a.port() != b.port()
    }

    def cleanupSpec() {
        [b, a].each { it?.stop() }
    }

    def "signing in to hub B keeps the browser signed in to hub A"() {
        when:
        atA.signIn(TestHubs.adminToken(a))
        atB.signIn(TestHubs.adminToken(b))

        then:
        atA.session != atB.session
        jar.keySet().containsAll([atA.session, atB.session])
        atA.get('/ui').byId('hub-identity-name') == 'console-a'
        atB.get('/ui').byId('hub-identity-name') == 'console-b'
        atA.get('/ui').byId('hub-identity-name') == 'console-a'
    }

    def "hub A's cookie is no session at hub B, and no ended one: B just asks the browser to sign in"() {
        when: 'the browser signs out of B, and still holds A\'s session'
        def out = atB.post('/ui/logout', [csrf: atB.csrf()])

        then:
        out.status == 303
        !jar.containsKey(atB.session)
        jar.containsKey(atA.session)

        when:
        def page = atB.get('/ui')

        then:
        page.status == 303
        page.location() == '/ui/login'
        !atB.get('/ui/login').has('session-ended')
        atA.get('/ui').status == 200
    }

    def "a session cookie of the former name still opens this hub's session, and at the other hub is no session"() {
        given: 'A\'s session under the name both hubs used before'
        jar[ConsoleSessions.LEGACY_COOKIE] = jar.remove(atA.session)

        expect:
        atA.get('/ui').byId('hub-identity-name') == 'console-a'
        atB.get('/ui').location() == '/ui/login'

        when: 'signing out of A drops it'
        def out = atA.post('/ui/logout', [csrf: atA.csrf()])

        then:
        out.status == 303
        !jar.containsKey(ConsoleSessions.LEGACY_COOKIE)
        atA.get('/ui').location() == '/ui/login'
    }
}
