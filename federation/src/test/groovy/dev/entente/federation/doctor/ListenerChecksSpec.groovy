package dev.entente.federation.doctor

import dev.entente.ca.crypto.Certificates
import dev.entente.ca.tls.HubTlsCertificates.TlsKey
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

    List run(DoctorCode code, TlsKey tls, String bind, boolean loopbackOnly) {
        new ListenerChecks({ -> tls }, bind, loopbackOnly, { -> 8443 }, peers).all().find { it.code() == code }.run(NOW)
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
