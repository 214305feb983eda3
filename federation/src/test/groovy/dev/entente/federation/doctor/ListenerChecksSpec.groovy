package dev.entente.federation.doctor

import dev.entente.ca.crypto.Certificates
import dev.entente.ca.tls.HubTlsCertificates.TlsKey
import dev.entente.ca.tls.RenewalAdvice
import dev.entente.ca.tls.TlsModeSettings
import dev.entente.ca.tls.TlsModes
import dev.entente.federation.peer.PeerRepository
import dev.entente.federation.peer.PeerTable
import dev.entente.lifecycle.db.DataContext
import dev.entente.lifecycle.doctor.DoctorCode
import dev.entente.testkit.PostgresFixture
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration
import java.time.Instant

/** DR003 and DR004 from the listener's facts as the shell gives them: the served certificate, the bind address, the port. */
class ListenerChecksSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-11-27T12:00:00Z')

    @Shared @AutoCleanup('close') def dataSource = PostgresFixture.migratedDatabase().dataSource()
    @Shared @AutoCleanup DataContext data = DataContext.over(dataSource)
    @Shared PeerRepository peers = new PeerRepository(data.tx(), data.bean(PeerTable))

    static TlsKey served(Duration left) {
        def keys = Certificates.ed25519()
        def cert = Certificates.caCertificate(keys, 'hub', NOW - Duration.ofDays(90), Duration.ofDays(90) + left)
        new TlsKey('tls-1', cert, keys.private, NOW - Duration.ofDays(90))
    }

    static final Duration SECOND = Duration.ofSeconds(1)
    static final TlsModeSettings SELF_SIGNED = TlsModeSettings.of('self-signed', null, null, SECOND, null, null, null, SECOND, SECOND)
    static final TlsModeSettings CUSTOM = TlsModeSettings.of('custom', '/etc/entente/hub.crt', '/etc/entente/hub.key', SECOND,
            null, null, null, SECOND, SECOND)
    static final TlsModeSettings ACME = TlsModeSettings.of('acme', null, null, SECOND, 'https://acme.example/directory',
            null, null, SECOND, SECOND)
    static final TlsModes.AcmeState ORDER_FAILED = new TlsModes.AcmeState('urn:ietf:params:acme:error:connection',
            'connection refused', NOW - Duration.ofHours(1), 3, NOW + Duration.ofMinutes(10))

    List run(DoctorCode code, TlsKey tls, String bind, boolean loopbackOnly,
             RenewalAdvice advice = RenewalAdvice.of(SELF_SIGNED, null, 4242)) {
        new ListenerChecks({ -> tls }, { -> advice }, bind, loopbackOnly, { -> 8443 }, peers).all()
                .find { it.code() == code }.run(NOW)
    }

    def "DR003: #left before expiry is #severity"() {
        when:
        def found = run(DoctorCode.DR003, served(left), '0.0.0.0', false)

        then:
        found*.severity()*.value() == (severity ? [severity] : [])
        found.every { it.nextCommand() == 'entente tls rotate' && it.diagnosis().contains("the hub's TLS certificate expire") }

        where:
        left                    | severity
        Duration.ofDays(31)     | null
        Duration.ofDays(29)     | 'warning'
        Duration.ofSeconds(-10) | 'error'
    }

    def "DR003 in #mode mode, #left before expiry: next #next, and the fix says #says"() {
        when:
        def found = run(DoctorCode.DR003, served(left), '0.0.0.0', false, RenewalAdvice.of(settings, lastOrder, 4242))

        then:
        found.size() == 1
        found[0].severity().value() == severity
        found[0].nextCommand() == next
        says.every { found[0].diagnosis().contains(it) }
        mode == 'self-signed' || !found[0].diagnosis().contains('tls rotate')

        where:
        mode          | settings    | lastOrder    | left                    || severity  | next                             | says
        'self-signed' | SELF_SIGNED | null         | Duration.ofDays(29)     || 'warning' | 'entente tls rotate'             | ["expires at"]
        'self-signed' | SELF_SIGNED | null         | Duration.ofSeconds(-10) || 'error'   | 'entente tls rotate'             | ["expired at"]
        'custom'      | CUSTOM      | null         | Duration.ofDays(29)     || 'warning' | 'entente tls info'               | ['entente.tls.cert-file (/etc/entente/hub.crt)', 'entente.tls.key-file (/etc/entente/hub.key)', 'kill -HUP 4242', 'systemctl reload']
        'custom'      | CUSTOM      | null         | Duration.ofSeconds(-10) || 'error'   | 'entente tls info'               | ['expired at', 'kill -HUP 4242']
        'acme'        | ACME        | null         | Duration.ofDays(29)     || 'warning' | 'entente tls info'               | ['https://acme.example/directory', 'two thirds', 'no order has failed']
        'acme'        | ACME        | ORDER_FAILED | Duration.ofDays(29)     || 'warning' | 'entente doctor --explain DR027' | ['two thirds', '3 in a row', 'urn:ietf:params:acme:error:connection: connection refused', 'DR027']
        'acme'        | ACME        | ORDER_FAILED | Duration.ofSeconds(-10) || 'error'   | 'entente doctor --explain DR027' | ['expired at', 'connection refused']
    }

    def "DR004: a loopback bind is only a finding once a peer must reach the hub from elsewhere"() {
        expect: 'no peers, nothing to reach us'
        run(DoctorCode.DR004, served(Duration.ofDays(60)), '127.0.0.1', true).isEmpty()

        when:
        peers.createAccepted('hub-local', 'hub_0000000a', 'https://[::1]:9443', ['ab'])
        peers.createAccepted('hub-far', 'hub_0000000b', 'https://hub-far.example:8443', ['cd'])
        def found = run(DoctorCode.DR004, served(Duration.ofDays(60)), '127.0.0.1', true)

        then:
        found.size() == 1
        found[0].diagnosis() == 'the hub listens on 127.0.0.1:8443 only, but peer(s) hub-far must reach it from another machine'
        found[0].nextCommand() == 'entente start --bind 0.0.0.0 --port 8443'
        found[0].subject() == '127.0.0.1'

        and: 'a wildcard bind has nothing to report'
        run(DoctorCode.DR004, served(Duration.ofDays(60)), '0.0.0.0', false).isEmpty()
    }
}
