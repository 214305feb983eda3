package dev.entente.ca.tls

import dev.entente.ca.crypto.Certificates
import dev.entente.ca.tls.HubTlsCertificates.TlsKey
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.Specification

import java.nio.file.Path
import java.security.cert.X509Certificate
import java.time.Duration
import java.time.Instant

/**
 * Issue 17: the TLS mode settings are checked against each other before anything starts, and what
 * the hub serves is handed to the listener only when it changes.
 */
class TlsModeSettingsSpec extends Specification {
    static final Duration SECOND = Duration.ofSeconds(1)

    static TlsModeSettings settings(Map s) {
        TlsModeSettings.of(s.mode ?: 'self-signed', s.cert, s.key, SECOND, s.directory, null, null, SECOND, SECOND)
    }

    def "#mode mode with #what is taken"() {
        when:
        def taken = settings(given)

        then:
        taken.mode().value() == mode
        taken.certFile() == (given.cert ? Path.of(given.cert).toAbsolutePath() : null)
        taken.acmeDirectory()?.toString() == given.directory

        where:
        mode          | what             | given
        'self-signed' | 'nothing else'   | [:]
        'custom'      | 'both files'     | [mode: 'custom', cert: 'hub.crt', key: 'hub.key']
        'acme'        | 'an https CA'    | [mode: 'acme', directory: 'https://acme.example/directory']
    }

    def "refused, naming #names: #problem"() {
        when:
        settings(given)

        then:
        def e = thrown(EntenteException)
        e.code() == ErrorCode.INVALID_REQUEST
        e.detail().contains(names)

        where:
        problem                            | given                                                          | names
        'a mode nobody knows'              | [mode: 'letsencrypt']                                          | 'entente.tls.mode'
        'custom without a certificate'     | [mode: 'custom', key: 'hub.key']                               | 'entente.tls.cert-file'
        'custom without a key'             | [mode: 'custom', cert: 'hub.crt']                              | 'entente.tls.key-file'
        'files for another mode'           | [cert: 'hub.crt']                                              | 'entente.tls.cert-file'
        'acme without a directory'         | [mode: 'acme']                                                 | 'entente.tls.acme.directory-url'
        'acme over plain HTTP'             | [mode: 'acme', directory: 'http://acme.example/directory']     | 'https'
        'a directory for another mode'     | [mode: 'custom', cert: 'c', key: 'k', directory: 'https://a/d'] | 'entente.tls.acme.directory-url'
    }

    def "the listener is handed a key only when the served one changes; grace and next follow every refresh"() {
        given:
        def first = key('tls-1')
        def served = []
        def endpoint = new TlsEndpoint() {
            void serve(TlsKey k) { served << k.keyId() }
            void acceptIssuers(List<X509Certificate> certificates) {}
            void present(String name, java.security.KeyPair k, X509Certificate certificate) {}
            void withdraw(String name) {}
        }
        def state = new TlsState(first, [], endpoint)

        when:
        state.replace(first, ['aa'], ['bb'])

        then:
        served == []
        state.graceFingerprints() == ['aa']
        state.nextFingerprints() == ['bb']

        when:
        def second = key('tls-2')
        state.replace(second, [first.fingerprint()], [])

        then:
        served == ['tls-2']
        state.current().is(second)
        state.nextFingerprints() == []
    }

    static TlsKey key(String id) {
        def keys = Certificates.ed25519()
        Instant now = Instant.now()
        new TlsKey(id, Certificates.caCertificate(keys, 'hub', now, Duration.ofDays(1)), keys.private, now)
    }
}
