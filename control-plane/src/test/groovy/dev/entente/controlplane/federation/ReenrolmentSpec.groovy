package dev.entente.controlplane.federation

import dev.entente.controlplane.hub.RunningHub
import dev.entente.federation.peer.Peer
import dev.entente.lifecycle.error.EntenteException
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 13 item 3, no permanent lockouts: hub B is stopped for longer than the node-certificate
 * lifetime (7 days on movable clocks), so both node certificates of the link die and neither can
 * renew over heartbeats. Doctor names the peer and the command on both sides, the refusals are
 * audited as the peer's, and {@code peers reenroll} (a token on A, used on B) restores the link
 * with the same peer ids and grants. A token is single use and only its peer's hub can use it.
 */
@Stepwise
class ReenrolmentSpec extends Specification {
    @Shared MutableClock clockA = new MutableClock()
    @Shared MutableClock clockB = new MutableClock()
    @Shared Path dirB = Files.createTempDirectory('entente-reenrol-b')
    @Shared int portB = freePort()
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared RunningHub c
    @Shared String bOnA
    @Shared String aOnB
    @Shared String grantId
    @Shared String token

    def setupSpec() {
        a = start('hub-a', clockA, FAST)
        b = start('hub-b', clockB, FAST + ['entente.hub.port': portB], dirB)
    }

    def cleanupSpec() {
        c?.stop()
        b?.stop()
        a?.stop()
    }

    def "B stays offline past its node certificate's lifetime: both hubs say who is locked out and what to run"() {
        given:
        Map proposed = null
        // The first admin call of a fresh hub can be slow on a loaded machine: retry until it answers.
        eventually(120) { (proposed = cli(a, 'peers', 'propose', '--name', 'hub-b', '--output', 'json')).code == 0 }
        bOnA = proposed.json.peer.id
        def accepted = cli(b, 'peers', 'accept', '--token', proposed.json.acceptance_token, '--output', 'json')
        assert accepted.code == 0: accepted.err
        aOnB = accepted.json.peer.id
        assert eventually(60) { state(a, bOnA) == 'active' && state(b, aOnB) == 'active' }
        grantId = cli(a, 'grants', 'issue', '--peer', 'hub-b', '--scopes', 'read', '--expires-in', '30d', '--output', 'json').json.grant.id

        when: 'B is down for 8 days'
        b.stop()
        clockA.advance(Duration.ofDays(8))
        clockB.advance(Duration.ofDays(8))
        b = start('hub-b', clockB, FAST + ['entente.hub.port': portB], dirB)

        then: 'A refuses B\'s heartbeats and names the peer in its audit, not anonymous'
        eventually(60) {
            cli(a, 'audit', 'ls', '--type', 'access.denied', '--output', 'json').json
                    .any { it.code == 'client_cert_expired' && it.actor == 'peer:' + bOnA }
        }

        and: 'A, which issued the dead certificate, says to mint a token for B'
        eventually(45) { !findings(a, 'DR021').isEmpty() }
        def issued = findings(a, 'DR021').find { it.subject == bOnA }
        issued.severity == 'error'
        issued.diagnosis.contains('hub-b')
        issued.diagnosis.contains('expired at')
        issued.next_command == 'entente peers reenroll ' + bOnA

        and: 'B says its own certificate for A is dead and names A\'s hub and the command'
        def own = findings(b, 'DR022').find { it.subject == aOnB }
        own.diagnosis.contains('hub-a')
        own.diagnosis.contains("entente peers reenroll ${b.hubId()}")
        own.next_command == 'entente peers reenroll --token TOKEN'

        and: 'the refusal B records points at the command too'
        eventually(45) { peer(b, aOnB).lastHeartbeatError()?.contains('entente peers reenroll') }
    }

    def "the token is bound to B: hub C cannot use it, neither through its CLI nor by calling A with its own node certificate"() {
        given: 'C, on the time of A, is linked with A too'
        c = start('hub-c', new MutableClock(offset: Duration.ofDays(8)), FAST)
        def proposed = cli(a, 'peers', 'propose', '--name', 'hub-c', '--output', 'json')
        def accepted = cli(c, 'peers', 'accept', '--token', proposed.json.acceptance_token, '--output', 'json')
        assert accepted.code == 0: accepted.err
        Peer aOnC = c.bean(FederationService).peers().find(UUID.fromString(accepted.json.peer.id)).get()

        when: 'A mints B\'s token (B named by its hub id, as B\'s doctor says)'
        def minted = cli(a, 'peers', 'reenroll', b.hubId(), '--output', 'json')
        token = minted.json.reenrolment_token

        then:
        minted.code == 0
        minted.json.peer.id == bOnA
        Instant.parse(minted.json.token_expires_at) > clockA.instant()
        cli(a, 'audit', 'ls', '--type', 'peer.reenrolment_token_issued', '--output', 'json').json.any { it.subject == bOnA }

        when: 'C runs it'
        def onC = cli(c, 'peers', 'reenroll', '--token', token, '--output', 'json')

        then:
        onC.code != 0
        onC.err.contains('reenrolment_token_wrong_peer')

        when: 'C calls A directly, claiming to be B, with its own node certificate'
        c.bean(FederationService).clientFor(aOnC).post('federation/v1/reenroll', [protocol_version: 1, token: token,
                hub_id: b.hubId(), tls_fingerprint: 'ab' * 32, csr: csrFor(b.hubId())])

        then: 'A refuses, and the token is not spent'
        EntenteException e = thrown()
        e.extensions().remote_code == 'reenrolment_token_wrong_peer'
    }

    def "B re-enrols with the token: both directions get fresh certificates, heartbeats flow, ids and grants kept"() {
        when:
        def r = cli(b, 'peers', 'reenroll', '--token', token, '--output', 'json')

        then:
        r.code == 0
        r.json.peer.id == aOnB
        eventually(60) { state(a, bOnA) == 'active' && state(b, aOnB) == 'active' }
        eventually(45) { peer(a, bOnA).lastHeartbeatError() == null && peer(b, aOnB).lastHeartbeatError() == null }
        peer(a, bOnA).hubId() == b.hubId()
        peer(b, aOnB).hubId() == a.hubId()
        cli(a, 'grants', 'show', grantId, '--output', 'json').json.state == 'active'

        and: 'the doctor is quiet about the link on both sides'
        eventually(45) { (findings(a, 'DR021') + findings(a, 'DR022')).every { it.subject != bOnA } }
        (findings(b, 'DR021') + findings(b, 'DR022')).every { it.subject != aOnB }

        and: 'both sides audited it'
        cli(a, 'audit', 'ls', '--type', 'peer.reenrolled', '--output', 'json').json.any { it.actor == 'peer:' + bOnA }
        cli(b, 'audit', 'ls', '--type', 'peer.reenrolled', '--output', 'json').json.any { it.subject == aOnB }
    }

    def "a replayed token is refused and audited, and changes nothing"() {
        when:
        def again = cli(b, 'peers', 'reenroll', '--token', token, '--output', 'json')

        then:
        again.code != 0
        again.err.contains('reenrolment_token_used')
        cli(a, 'audit', 'ls', '--type', 'access.denied', '--output', 'json').json.any { it.code == 'reenrolment_token_used' }
        eventually(45) { state(a, bOnA) == 'active' && state(b, aOnB) == 'active' }
    }

    private static String csrFor(String hubId) {
        dev.entente.ca.crypto.Certificates.csr(dev.entente.ca.crypto.Certificates.ed25519(), hubId)
    }

    private static Peer peer(RunningHub hub, String id) {
        hub.bean(FederationService).peers().find(UUID.fromString(id)).get()
    }

    private static String state(RunningHub hub, String id) {
        peer(hub, id).state().value()
    }
}
