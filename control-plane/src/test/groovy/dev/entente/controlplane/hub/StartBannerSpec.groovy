package dev.entente.controlplane.hub

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.tls.TlsState
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

/** What a first start tells the operator: where things are, what a restore needs, what to run next. */
class StartBannerSpec extends Specification {
    @Shared @AutoCleanup('stop') RunningHub hub = TestHubs.start()

    def "the banner names the pin in the form --tls-fingerprint takes, the passphrase a restore needs, and the next command"() {
        given:
        def out = new StringWriter()
        def dir = hub.settings().dataDir()

        when:
        LocalHubCommands.banner(new PrintWriter(out), hub.bean(HubIdentity), hub.bean(TlsState), hub.settings(), dir, null, false)
        String text = out.toString()

        then:
        text.contains("tls pin      sha256:${hub.bean(TlsState).current().fingerprint()}")
        text.contains("data dir     ${dir}")
        text.contains("passphrase   ${dir.resolve('passphrase')}  (mode 0600): it unseals the keys; a backup is useless without it")
        text.contains("Next: bin/entente peers propose --name <partner hub> --data-dir ${dir}")
        !text.contains('WARNING')
    }

    def "with the passphrase in the environment the banner says so and names no file"() {
        given:
        def out = new StringWriter()

        when:
        LocalHubCommands.banner(new PrintWriter(out), hub.bean(HubIdentity), hub.bean(TlsState), hub.settings(),
                hub.settings().dataDir(), null, true)

        then:
        out.toString().contains('passphrase   from ENTENTE_KEY_PASSPHRASE')
    }

    def "public url #url (configured: #configured) bound to #bind: #expected"() {
        expect:
        def warnings = PublicUrlCheck.warnings(url, configured, bind)
        expected == null ? warnings.isEmpty() : warnings.size() == 1 && warnings[0].contains(expected)

        where:
        url                                   | configured | bind        || expected
        'https://127.0.0.1:7443'              | true       | '0.0.0.0'   || 'is a loopback address while the hub listens on 0.0.0.0'
        'https://localhost:7443'              | false      | '::'        || 'is a loopback address'
        'https://127.0.0.1:7443'              | false      | '127.0.0.1' || null
        'https://no-such-host.invalid:7443'   | true       | '0.0.0.0'   || 'does not resolve on this machine'
        'https://192.0.2.10:7443'             | true       | '0.0.0.0'   || null
        'https://192.0.2.10:7443'             | false      | '0.0.0.0'   || 'was derived from the host name'
        'https:///nohost'                     | true       | '0.0.0.0'   || 'names no host'
    }
}
