package dev.entente.controlplane.ui

import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification


import javax.net.ssl.SSLHandshakeException
import javax.net.ssl.SSLSocket
import java.nio.file.Files

/**
 * The browser the console specs drive: a real Chromium that reaches a hub over TLS 1.3, trusts
 * it by its key's pin alone, and reports the page's script errors to the spec; and a hub on its
 * default Ed25519 certificate, which Chromium reaches through the ECDSA certificate derived for it.
 */
class BrowserHarnessSpec extends Specification {
    @Shared RunningHub hub
    @Shared RunningHub stranger
    @Shared RunningHub ed25519
    @Shared Browser browser

    def setupSpec() {
        hub = TestHubs.start(Files.createTempDirectory('entente-browser-hub'), Browser.tlsFor('browser-hub'))
        stranger = TestHubs.start(Files.createTempDirectory('entente-browser-stranger'), Browser.tlsFor('stranger-hub'))
        ed25519 = TestHubs.start(Files.createTempDirectory('entente-browser-ed25519'))
        browser = Browser.open(hub, ed25519)
    }

    def cleanupSpec() {
        browser?.close()
        ed25519?.close()
        stranger?.close()
        hub?.close()
    }

    def "the browser loads a hub page over TLS 1.3, trusting the hub's self-signed key by its pin"() {
        when:
        browser.visit(hub.url() + '/healthz')

        then: 'the hub answered the browser itself'
        browser.url == hub.url() + '/healthz'
        new JsonSlurper().parseText(browser.find('pre').text).hub_id == hub.hubId()

        and: 'the hub speaks nothing below TLS 1.3, so that is what the browser spoke'
        handshake(hub, 'TLSv1.3')
        when:
        handshake(hub, 'TLSv1.2')
        then:
        thrown(SSLHandshakeException)

        and: 'the page logged nothing wrong'
        browser.assertNoPageErrors()
    }

    def "a hub whose key is not pinned gets a certificate error page, not its content"() {
        when:
        browser.visit(stranger.url() + '/healthz')

        then: 'Chromium stops at its interstitial: only the pinned key is trusted, not every certificate'
        !browser.has('pre')
        browser.text.contains('ERR_CERT_AUTHORITY_INVALID')

        cleanup: 'what Chromium logs about the refused certificate is expected here'
        browser.takePageErrors()
    }

    def "a hub on its default Ed25519 certificate serves Chromium, which implements no Ed25519 in TLS, the ECDSA certificate derived from its key"() {
        when:
        browser.visit(ed25519.url() + '/healthz')

        then: 'the page loads, the browser trusting the key tls info names for browsers'
        new JsonSlurper().parseText(browser.find('pre').text).hub_id == ed25519.hubId()
        browser.assertNoPageErrors()
    }

    def "a script error on the page fails the log check"() {
        given:
        browser.visit(hub.url() + '/healthz')

        when:
        browser.driver.executeScript('setTimeout(function () { throw new Error("thrown by the browser spec") }, 0)')
        browser.waitFor { browser.drainLog().any { it.message.contains('thrown by the browser spec') } }
        browser.assertNoPageErrors()

        then:
        AssertionError e = thrown()
        e.message.contains('Uncaught Error: thrown by the browser spec')

        and: 'reported once, then forgotten'
        browser.assertNoPageErrors()
    }

    def "a resource the spec expects to fail is not a page error; any other failed load is"() {
        when: 'a page the hub refuses, announced by the spec'
        browser.expectFailedLoad(hub.url() + '/api/v1/status').visit(hub.url() + '/api/v1/status')

        then:
        browser.assertNoPageErrors()

        when: 'the same refusal, unannounced'
        browser.visit(hub.url() + '/api/v1/status')
        browser.assertNoPageErrors()

        then:
        AssertionError e = thrown()
        e.message.contains('401')
    }

    private static boolean handshake(RunningHub of, String protocol) {
        URI uri = URI.create(of.url())
        def socket = (SSLSocket) HubHttp.trustAll(protocol).socketFactory.createSocket(uri.host, uri.port)
        try {
            socket.enabledProtocols = [protocol] as String[]
            socket.startHandshake()
            socket.session.protocol == protocol
        } finally {
            socket.close()
        }
    }
}
