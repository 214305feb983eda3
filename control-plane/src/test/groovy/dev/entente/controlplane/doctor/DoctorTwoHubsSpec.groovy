package dev.entente.controlplane.doctor

import dev.entente.controlplane.federation.FederationService
import dev.entente.ca.tls.TlsState
import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.peer.Peer
import dev.entente.lifecycle.error.EntenteException
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.time.Duration

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 6, doctor on two real linked hubs (heartbeats every second, each hub on its own movable
 * clock). Each step breaks the link in one way that happens in the wild and checks the hub that
 * can see it reports the right code: B's clock runs 5 minutes ahead, A refuses B's protocol, A pins a
 * fingerprint B does not serve, B loses its client key, B goes down, A's CA rotation waits on
 * B, and a day passes.
 */
@Stepwise
class DoctorTwoHubsSpec extends Specification {
    @Shared MutableClock clockA = new MutableClock()
    @Shared MutableClock clockB = new MutableClock()
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String peerBonA
    @Shared String peerAonB

    def setupSpec() {
        a = start('hub-a', clockA, FAST)
        b = start('hub-b', clockB, FAST)
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "two linked, healthy hubs: doctor finds nothing on either side and exits 0"() {
        when:
        def proposed = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json')
        peerBonA = proposed.json.peer.id
        def accepted = cli(b, 'peers', 'accept', '--token', proposed.json.acceptance_token, '--output', 'json')
        assert accepted.code == 0: accepted.err
        peerAonB = accepted.json.peer.id

        then:
        eventually(20) { peer(a, peerBonA).state().value() == 'active' && peer(b, peerAonB).state().value() == 'active' }
        eventually(10) { doctor(a).findings.isEmpty() && doctor(b).findings.isEmpty() }
        cli(a, 'doctor').out == 'ok: no findings'
        cli(a, 'doctor').code == 0
    }

    def "DR009: B's clock runs 5 minutes ahead; A measures it from B's heartbeats"() {
        when:
        clockB.advance(Duration.ofMinutes(5))

        then:
        eventually(10) { findings(a, 'DR009')*.subject == [peerBonA] }
        def skew = findings(a, 'DR009')[0]
        skew.severity == 'warning'
        skew.name == 'clock_skew'
        skew.diagnosis =~ /peer hub-b's clock is (4m 59s|5m 0s) ahead of ours \(limit 1m 0s\)/
        skew.next_command == "entente peers show $peerBonA".toString()

        when: 'NTP fixes B'
        clockB.offset = Duration.ZERO

        then:
        eventually(10) { findings(a, 'DR009').isEmpty() }
    }

    def "DR010: A refuses a heartbeat of another protocol version, and B's doctor reports the mismatch"() {
        given: 'B\'s own sender stopped, so a later good heartbeat does not overwrite the refusal'
        b.worker().close()
        Thread.sleep(1500)
        Peer peerA = peer(b, peerAonB)

        when: 'B sends what a hub of protocol 2 would send; A refuses it; B records it as its sender does'
        b.bean(FederationService).clientFor(peerA).post('federation/v1/heartbeat',
                [protocol_version: 2, clock: clockB.instant().toString(), tls_fingerprints: [], ca_phase: 'standby'])

        then:
        EntenteException e = thrown()
        e.extensions().remote_code == 'protocol_version_mismatch'

        when:
        b.bean(FederationService).peers().countHeartbeatFailed(peerA.id(), e.code().code() + ': ' + e.detail())
        def dr010 = findings(b, 'DR010')

        then:
        dr010*.subject == [peerAonB]
        dr010[0].severity == 'error'
        dr010[0].diagnosis.contains('protocol_version_mismatch')
    }

    def "DR015: with B's heartbeats stopped, A pins a fingerprint B does not serve; A's heartbeats stop at the handshake"() {
        // B's own heartbeats carry its fingerprints and would re-pin A at once; the DR010 step stopped
        // B's sender, as when the peer was down while its rotation grace ran out.
        when:
        def repinned = cli(a, 'peers', 'repin', peerBonA, '--fingerprint', 'ab' * 32)
        assert repinned.code == 0: repinned.err

        then:
        eventually(10) {
            def report = doctor(a)
            report.findings.find { it.code == 'DR015' }?.subject == peerBonA &&
                    report.findings.find { it.code == 'DR008' }?.diagnosis?.contains('handshake_fingerprint_mismatch')
        }
        findings(a, 'DR015')[0].severity == 'error'
        cli(a, 'doctor').code == 1
        cli(a, 'doctor', '--explain', 'DR015').out.contains('entente peers repin <peer-id> --fingerprint <sha256>')

        when: 'the operator confirms B\'s real fingerprint and re-pins'
        cli(a, 'peers', 'repin', peerBonA, '--fingerprint', b.bean(TlsState).current().fingerprint())

        then:
        eventually(10) { findings(a, 'DR015').isEmpty() && findings(a, 'DR008').isEmpty() }
    }

    def "DR011: B's client key for A is deleted (a restore without sealed_keys): partial mTLS configuration"() {
        given:
        Peer peerA = peer(b, peerAonB)

        when:
        sql(b) { it.executeUpdate('DELETE FROM sealed_keys WHERE id = ?', [peerA.clientKeyId()]) }
        def dr011 = findings(b, 'DR011')

        then:
        dr011*.subject == [peerAonB]
        dr011[0].severity == 'error'
        dr011[0].diagnosis == "peer ${peerA.name()}: a client certificate but its key ${peerA.clientKeyId()} is missing; this hub cannot call it over mTLS".toString()
    }

    def "DR008: B goes down; A's heartbeats to it fail"() {
        when:
        b.stop()

        then:
        eventually(20) { findings(a, 'DR008').find { it.subject == peerBonA }?.diagnosis?.contains('peer_unreachable') }
        eventually(20) { peer(a, peerBonA).state().value() == 'degraded' }
    }

    def "DR013: A starts a CA rotation while B is down; B cannot renew and lags"() {
        when:
        assert cli(a, 'ca', 'rotate', 'start').code == 0
        def init = findings(a, 'DR013')
        def advanced = cli(a, 'ca', 'rotate', 'advance')
        assert advanced.code == 0: advanced.err

        then: 'in init every peer is on the old key by design: not a finding'
        init.isEmpty()

        and: 'in update_clients B is a laggard'
        def laggards = findings(a, 'DR013')
        laggards.size() == 1
        laggards[0].subject == peerBonA
        laggards[0].next_command == 'entente ca status'
        laggards[0].diagnosis.contains('update_clients')
        cli(a, 'ca', 'status', '--output', 'json').json[0].laggards == [peerBonA]
    }

    def "DR007 and DR012: a day later B is still degraded and the rotation still in update_clients"() {
        when:
        clockA.advance(Duration.ofHours(25))
        def report = doctor(a)

        then:
        def degraded = report.findings.find { it.code == 'DR007' }
        degraded.subject == peerBonA
        degraded.diagnosis =~ /peer hub-b degraded for 1d 1h \(no heartbeat/
        def stuck = report.findings.find { it.code == 'DR012' }
        stuck.diagnosis == 'the federation CA rotation has been in update_clients for 1d 1h'
        stuck.next_command == 'entente ca status'
    }

    private static Peer peer(RunningHub hub, String id) {
        hub.bean(FederationService).peers().find(UUID.fromString(id)).get()
    }
}
