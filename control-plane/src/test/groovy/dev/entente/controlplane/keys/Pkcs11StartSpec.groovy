package dev.entente.controlplane.keys

import dev.entente.controlplane.SoftHsm
import dev.entente.controlplane.TestHubs
import dev.entente.lifecycle.error.EntenteException
import spock.lang.Requires
import spock.lang.Specification
import spock.lang.Unroll

import java.nio.file.Files
import java.nio.file.Path

/**
 * Issue 17, {@code entente.keys.store: pkcs11} at start: each way the token cannot be used stops
 * the start with its own code and the fix, before the database is created or a port opened, so
 * nothing is ever half-started; the same data dir then starts with the right settings.
 */
@Requires(value = { SoftHsm.available() }, reason = 'softhsm2 is not installed (CI installs the Debian package softhsm2)')
class Pkcs11StartSpec extends Specification {

    @Unroll
    def "#what: the start stops with #code before anything is started"() {
        given:
        Path dir = Files.createTempDirectory('pkcs11-start')
        Map settings = SoftHsm.settings('spec-start') + change.call(dir)

        when:
        TestHubs.start(dir, settings).stop()

        then:
        def e = thrown(EntenteException)
        e.code().code() == code
        e.message.contains(says)
        !Files.exists(dir.resolve('pg'))
        !Files.exists(dir.resolve('hub.json'))

        where:
        what                       | code                          | says                                  | change
        'the library is missing'   | 'pkcs11_library_unusable'     | '/nonexistent/libpkcs11.so'           | { d -> ['entente.keys.pkcs11.library': '/nonexistent/libpkcs11.so'] }
        'the library is no module' | 'pkcs11_library_unusable'     | 'is not a PKCS#11 module'             | { d -> ['entente.keys.pkcs11.library': System.getProperty('java.home') + '/lib/libjava.so'] }
        'no token has the label'   | 'pkcs11_token_not_found'      | "no token labelled 'no-such-token'"   | { d -> ['entente.keys.pkcs11.token-label': 'no-such-token'] }
        'the PIN is wrong'         | 'pkcs11_pin_incorrect'        | "token 'spec-start' refused the PIN"  | { d -> ['entente.keys.pkcs11.pin-file': write(d, 'wrong-pin')] }
        'the PIN file is missing'  | 'pkcs11_pin_file_unreadable'  | 'cannot read the PKCS#11 PIN file'    | { d -> ['entente.keys.pkcs11.pin-file': d.resolve('absent.pin').toString()] }
        'the PIN file is empty'    | 'pkcs11_pin_file_unreadable'  | 'is empty'                            | { d -> ['entente.keys.pkcs11.pin-file': write(d, '')] }
        'the store is unknown'     | 'invalid_request'             | 'entente.keys.store must be sealed or pkcs11' | { d -> ['entente.keys.store': 'kms'] }
    }

    def "after a refused start, the same data dir starts with the right PIN, its CA and token-signing keys in the token"() {
        given:
        Path dir = Files.createTempDirectory('pkcs11-start')

        when:
        TestHubs.start(dir, SoftHsm.settings('spec-start') + ['entente.keys.pkcs11.pin-file': write(dir, 'wrong-pin')]).stop()

        then:
        thrown(EntenteException)

        when:
        def hub = TestHubs.start(dir, SoftHsm.settings('spec-start'))
        def keys = TestHubs.cli(hub, 'keys', 'list', '--output', 'json').json

        then:
        keys.find { it.type == 'token-signing' }.store == 'pkcs11:spec-start'
        keys.find { it.type == 'token-signing' }.algorithm == 'EC-P256'
        keys.find { it.type == 'federation-ca' }.store == 'pkcs11:spec-start'
        keys.find { it.type == 'tls' }.store == 'sealed'

        cleanup:
        hub?.stop()
    }

    private static String write(Path dir, String pin) {
        Path f = dir.resolve('pin-' + pin.hashCode())
        Files.writeString(f, pin)
        f.toString()
    }
}
