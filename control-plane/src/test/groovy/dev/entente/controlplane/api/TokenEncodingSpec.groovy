package dev.entente.controlplane.api

import dev.entente.ca.vault.SealedKeyStore
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import dev.entente.ca.tls.TlsState
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import java.nio.file.Files
import java.security.Signature
import java.time.Instant

/**
 * Issue 11 item 11, on a real hub: an acceptance token whose nbf is ahead of the hub's clock is
 * refused as not yet valid (it was called a mismatch), and a token is accepted in its one
 * canonical base64url spelling only, operator and acceptance tokens alike.
 */
class TokenEncodingSpec extends Specification {
    @Shared RunningHub hub
    @Shared String admin

    def setupSpec() {
        hub = TestHubs.start(Files.createTempDirectory('token-encoding'))
        admin = TestHubs.adminToken(hub)
    }

    def cleanupSpec() {
        hub?.stop()
    }

    def "an acceptance token with nbf an hour ahead → 401 token_not_yet_valid, and the peer stays proposed"() {
        given:
        def proposal = propose()
        String token = hubSigned(proposal.acceptance_token, [nbf: Instant.now().epochSecond + 3600])

        when:
        def r = accept(token)

        then:
        r.status == 401
        r.json.code == 'token_not_yet_valid'
        r.json.status == 401
        r.json.detail.contains('not valid before')
        peerState(proposal.peer.id) == 'proposed'
    }

    def "an nbf within the clock skew passes that check: the refusal is the next one, the digest"() {
        given: 're-signing makes a token the hub never issued, so the digest check has the last word'
        def proposal = propose()

        expect:
        accept(hubSigned(proposal.acceptance_token, [nbf: Instant.now().epochSecond + 5])).json.code == 'acceptance_token_mismatch'
    }

    def "the operator token as issued works; the same bytes spelled with non-zero padding bits are refused"() {
        given:
        String odd = BadInputCorpusSpec.nonCanonical(admin)

        expect: 'both spellings decode to the same signature bytes'
        Base64.urlDecoder.decode(odd.split('\\.')[2]) == Base64.urlDecoder.decode(admin.split('\\.')[2])
        odd != admin

        when:
        def good = HubHttp.get(hub.url() + '/api/v1/status', admin)
        def bad = HubHttp.get(hub.url() + '/api/v1/status', odd)

        then:
        good.status == 200
        bad.status == 401
        bad.json.code == 'auth_token_malformed'
        bad.json.detail.contains('not canonical base64url')
    }

    @Unroll
    def "an operator token #what → 401 auth_token_malformed"() {
        when:
        def r = HubHttp.get(hub.url() + '/api/v1/status', spell.call(admin))

        then:
        r.status == 401
        r.json.code == 'auth_token_malformed'

        where:
        what                                | spell
        'with padding on the signature'     | { String t -> t + '==' }
        'with padding inside the signature' | { String t -> t.substring(0, t.length() - 2) + '==' }
    }

    def "an acceptance token whose signature has non-zero padding bits → 400 acceptance_token_malformed, not accepted"() {
        given:
        def proposal = propose()

        when:
        def r = accept(BadInputCorpusSpec.nonCanonical(proposal.acceptance_token))

        then:
        r.status == 400
        r.json.code == 'acceptance_token_malformed'
        peerState(proposal.peer.id) == 'proposed'
        accept(proposal.acceptance_token).status == 200
    }

    private Map propose() {
        TestHubs.cli(hub, 'peers', 'propose', '--name', 'p-' + UUID.randomUUID().toString().substring(0, 8), '--output', 'json').json as Map
    }

    private HubHttp.Answer accept(String token) {
        String hubId = 'hub_' + UUID.randomUUID().toString().substring(0, 8)
        HubHttp.post(hub.url() + '/federation/v1/handshake/accept', JsonOutput.toJson([protocol_version: 1, hub_id: hubId,
                url: hub.url(), tls_fingerprint: hub.bean(TlsState).current().fingerprint(), token: token,
                csr: Certificates.csr(Certificates.ed25519(), hubId)]))
    }

    private String peerState(String id) {
        HubHttp.get(hub.url() + '/api/v1/peers/' + id, admin).json.state
    }

    /** Re-signs with the hub's real key: only the changed claim can make the hub refuse it. */
    private String hubSigned(String token, Map changes) {
        def key = hub.bean(SealedKeyStore).active('jwt').get()
        def e = Base64.urlEncoder.withoutPadding()
        Map claims = new JsonSlurper().parse(Base64.urlDecoder.decode(token.split('\\.')[1])) as Map
        String input = e.encodeToString(JsonOutput.toJson([alg: 'EdDSA', typ: 'JWT', kid: key.id()]).bytes) + '.' +
                e.encodeToString(JsonOutput.toJson(claims + changes).bytes)
        Signature s = Signature.getInstance('Ed25519')
        s.initSign(Certificates.privateKey('Ed25519', key.secret()))
        s.update(input.bytes)
        input + '.' + e.encodeToString(s.sign())
    }
}
