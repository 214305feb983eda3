package dev.entente.controlplane.federation

import dev.entente.ca.vault.TokenKeyring
import dev.entente.ca.crypto.Certificates
import dev.entente.ca.vault.SealedKeyStore
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.security.OperatorTokens
import dev.entente.controlplane.security.Role
import dev.entente.ca.tls.TlsState
import dev.entente.lifecycle.db.Tx
import dev.entente.federation.peer.PeerCredentials
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification

import java.security.Signature
import java.time.Duration

import static dev.entente.controlplane.doctor.DoctorFixture.*

/**
 * Issue 18, {@code entente peers token decode TOKEN}: on two linked hubs (movable clocks), a token
 * is read without being spent: its claims, the issuing hub, whether this hub issued it and with
 * which key, and whether it is expired, used or replaced, for acceptance and re-enrolment tokens
 * alike. Another hub's token decodes too; garbage is a 400 problem, never a 500; every decode is
 * audited without the token.
 */
class TokenDecodeSpec extends Specification {
    @Shared MutableClock clockA = new MutableClock()
    @Shared MutableClock clockB = new MutableClock()
    @Shared RunningHub a
    @Shared RunningHub b
    @Shared String bOnA

    def setupSpec() {
        a = start('hub-a', clockA, FAST)
        b = start('hub-b', clockB, FAST)
        bOnA = TestHubs.link(a, b, 'hub-b')
    }

    def cleanupSpec() {
        b?.stop()
        a?.stop()
    }

    def "a fresh acceptance token: its claims and issuer, this hub's current key, usable; decoding does not spend it"() {
        given:
        def proposal = propose()
        // with(map) below reads unknown names from the map: the hubs' facts are taken first
        String hubA = a.hubId()
        String servedA = a.bean(TlsState).current().fingerprint()
        String keyA = a.bean(SealedKeyStore).active('jwt').get().id()

        when:
        def r = decode(a, proposal.acceptance_token)

        then:
        r.code == 0
        with(r.json) {
            kind == 'acceptance'
            status == 'usable'
            claims.iss == hubA
            claims.aud == 'entente-federation'
            claims.sub == null
            claims.url == issuer.url
            issuer.hub_id == hubA
            issuer.name == 'hub-a'
            issuer.this_hub
            issuer.tls_fingerprint == servedA
            issued_here
            signing_key.status == 'current'
            signing_key.kid == keyA
            signature == 'valid'
            !expired
            used == false
            replaced == false
            peer_id == proposal.peer.id
        }

        and: 'the decode is audited with the token\'s id and digest, never the token'
        def audited = cli(a, 'audit', 'ls', '--type', 'token.decoded', '--output', 'json').json
                .find { it.subject == r.json.claims.jti }
        audited.actor != null
        audited.details.jti == r.json.claims.jti
        audited.details.token_sha256 ==~ /[0-9a-f]{64}/
        !JsonOutput.toJson(audited).contains(proposal.acceptance_token)

        when: 'an accepting hub uses the token after the decode'
        def accepted = accept(proposal.acceptance_token)

        then: 'it still worked, and now decodes as used, naming the peer'
        accepted.status == 200
        with(decode(a, proposal.acceptance_token).json) {
            status == 'used'
            used == true
            replaced == false
            detail.contains(proposal.peer.name)
        }
    }

    def "a token replaced by 'peers token' decodes as replaced, its successor as usable"() {
        given:
        def first = propose()
        def second = cli(a, 'peers', 'token', first.peer.id, '--output', 'json').json

        expect:
        with(decode(a, first.acceptance_token).json) {
            status == 'replaced'
            replaced == true
            used == false
        }
        decode(a, second.acceptance_token).json.status == 'usable'
    }

    def "an expired token decodes as expired, before and after the expiry job forgets it"() {
        given:
        def proposal = cli(a, 'peers', 'propose', '--name', 'p-' + UUID.randomUUID().toString().take(8), '--ttl', '1m',
                '--output', 'json').json

        when:
        advance(Duration.ofMinutes(2))

        then:
        with(decode(a, proposal.acceptance_token).json) {
            status == 'expired'
            expired == true
            used == false
        }
        a.bean(Tx).inTransaction { c -> new PeerCredentials(a.bean(Tx)).expireTokens(c, clockA.instant()) }
        decode(a, proposal.acceptance_token).json.status == 'expired'
    }

    def "a token of the other hub decodes with its claims and the issuer's name as this hub knows it, not issued here"() {
        given:
        def onB = cli(b, 'peers', 'propose', '--name', 'p-' + UUID.randomUUID().toString().take(8), '--output', 'json').json
        String hubB = b.hubId()

        when:
        def r = decode(a, onB.acceptance_token)

        then:
        r.code == 0
        with(r.json) {
            status == 'not_issued_here'
            !issued_here
            claims.iss == hubB
            issuer.hub_id == hubB
            issuer.name == 'hub-b'
            !issuer.this_hub
            signature == 'not_checked'
            signing_key.status == 'unknown'
            used == null
            replaced == null
            detail.contains('entente peers accept')
        }

        and: 'on its own hub it is usable'
        decode(b, onB.acceptance_token).json.status == 'usable'
    }

    def "a re-enrolment token: usable on the hub that minted it and bound to the peer's hub, readable there too, used once spent"() {
        given:
        def minted = cli(a, 'peers', 'reenroll', bOnA, '--output', 'json').json
        String hubB = b.hubId()
        String peerB = bOnA

        expect:
        with(decode(a, minted.reenrolment_token).json) {
            kind == 'reenrolment'
            status == 'usable'
            claims.aud == 'entente-reenrolment'
            claims.sub == hubB
            peer_id == peerB
            detail.contains('entente peers reenroll --token T')
        }
        with(decode(b, minted.reenrolment_token).json) {
            status == 'not_issued_here'
            issuer.name == 'hub-a'
        }

        when: 'a newer one replaces it'
        def newer = cli(a, 'peers', 'reenroll', bOnA, '--output', 'json').json

        then:
        decode(a, minted.reenrolment_token).json.status == 'replaced'

        when: 'B uses the newer one'
        def spent = cli(b, 'peers', 'reenroll', '--token', newer.reenrolment_token, '--output', 'json')

        then:
        assert spent.code == 0: spent.err
        with(decode(a, newer.reenrolment_token).json) {
            status == 'used'
            used == true
        }
    }

    def "a token signed with an earlier token key of this hub, still in grace, names that key as previous"() {
        given: 'an earlier token key not yet retired, and a token of ours signed with it'
        def proposal = propose()
        def old = Certificates.ed25519()
        String kid = 'jwt-grace-' + UUID.randomUUID().toString().take(8)
        a.bean(Tx).inTransaction { c ->
            a.bean(SealedKeyStore).store(c, kid, 'jwt', 'grace', 'Ed25519', old.public.encoded, null, null, old.private.encoded, null)
        }
        a.bean(TokenKeyring).reload()
        String token = resign(proposal.acceptance_token, kid, old.private)

        expect:
        with(decode(a, token).json) {
            signing_key.kid == kid
            signing_key.status == 'previous'
            signature == 'valid'
            status == 'usable'
        }
    }

    def "issue 17: a token signed with a token key a rotation retired says the key is no longer current"() {
        given: 'a retired token key, and a token of ours signed with it'
        def proposal = propose()
        def old = Certificates.ed25519()
        String kid = 'jwt-retired-' + UUID.randomUUID().toString().take(8)
        a.bean(Tx).inTransaction { c ->
            a.bean(SealedKeyStore).store(c, kid, 'jwt', 'retired', 'Ed25519', old.public.encoded, null, null, old.private.encoded, null)
        }
        a.bean(TokenKeyring).reload()
        String token = resign(proposal.acceptance_token, kid, old.private)

        expect:
        with(decode(a, token).json) {
            signing_key.kid == kid
            signing_key.status == 'retired'
            signature == 'valid'
            status == 'key_rotated'
        }
    }

    def "a token altered after signing decodes as signature_invalid"() {
        given:
        def proposal = propose()
        String forged = resign(proposal.acceptance_token, a.bean(SealedKeyStore).active('jwt').get().id(), Certificates.ed25519().private)

        expect:
        with(decode(a, forged).json) {
            status == 'signature_invalid'
            signature == 'invalid'
            used == null
        }
    }

    def "#what is a 400 problem, never a 500"() {
        when:
        def r = HubHttp.post(a.url() + '/api/v1/tokens/decode', body.replace('OPERATOR', TestHubs.adminToken(a)),
                TestHubs.adminToken(a))

        then:
        r.status == 400
        r.contentType.startsWith('application/problem+json')
        r.json.code == code

        where:
        what                        | body                                                          || code
        'garbage'                   | JsonOutput.toJson([token: 'garbage'])                         || 'invalid_request'
        'three parts of nothing'    | JsonOutput.toJson([token: 'a.b.c'])                           || 'invalid_request'
        'no token'                  | '{}'                                                          || 'invalid_request'
        'a token that is a number'  | '{"token": 42}'                                               || 'invalid_request'
        'an operator token'         | JsonOutput.toJson([token: 'OPERATOR'])                        || 'invalid_request'
        'claims an acceptance token cannot have' | JsonOutput.toJson([token: unsigned([aud: 'entente-federation', iss: 'hub_0000000a'])]) || 'acceptance_token_malformed'
    }

    def "the CLI prints the decode, and a viewer may run it"() {
        given:
        def proposal = propose()
        String viewer = a.bean(OperatorTokens).issue('spec-viewer', [Role.VIEWER] as Set, Duration.ofHours(1)).token()

        when:
        def r = TestHubs.cliAs(a, viewer, 'peers', 'token', 'decode', proposal.acceptance_token)
        def bad = TestHubs.cliAs(a, viewer, 'peers', 'token', 'decode', 'garbage')

        then:
        r.code == 0
        r.json.status == 'usable'
        bad.code != 0
        bad.problem.code == 'invalid_request'
    }

    private Map propose() {
        cli(a, 'peers', 'propose', '--name', 'p-' + UUID.randomUUID().toString().take(8), '--output', 'json').json
    }

    private static Map decode(RunningHub hub, String token) {
        def r = TestHubs.cliAs(hub, null, 'peers', 'token', 'decode', token)
        assert r.code == 0: r.err
        r
    }

    private void advance(Duration d) {
        clockA.advance(d)
        clockB.advance(d)
    }

    /** An accepting hub that is only an HTTP client: the proposer calls itself back (its own URL and certificate). */
    private HubHttp.Answer accept(String token) {
        String hubId = 'hub_' + UUID.randomUUID().toString().take(8)
        Map body = [protocol_version: 1, token: token, hub_id: hubId, csr: Certificates.csr(Certificates.ed25519(), hubId),
                    url: a.url(), tls_fingerprint: a.bean(TlsState).current().fingerprint()]
        HubHttp.post(a.url() + '/federation/v1/handshake/accept', JsonOutput.toJson(body))
    }

    private static String resign(String token, String kid, java.security.PrivateKey key) {
        String input = b64([alg: 'EdDSA', typ: 'JWT', kid: kid]) + '.' + token.split('\\.')[1]
        Signature s = Signature.getInstance('Ed25519')
        s.initSign(key)
        s.update(input.bytes)
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(s.sign())
    }

    private static String unsigned(Map claims) {
        b64([alg: 'EdDSA', kid: 'k1']) + '.' + b64(claims) + '.' + Base64.urlEncoder.withoutPadding().encodeToString(new byte[64])
    }

    private static String b64(Map json) {
        Base64.urlEncoder.withoutPadding().encodeToString(JsonOutput.toJson(json).bytes)
    }
}
