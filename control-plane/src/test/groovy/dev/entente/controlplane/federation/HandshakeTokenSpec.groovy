package dev.entente.controlplane.federation

import dev.entente.ca.authority.CertificateAuthority
import dev.entente.ca.vault.SealedKeyStore
import dev.entente.lifecycle.db.Tx
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.client.cli.Main
import dev.entente.controlplane.hub.RunningHub
import dev.entente.controlplane.tls.TlsState
import groovy.json.JsonOutput
import groovy.json.JsonSlurper
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import java.nio.file.Files
import java.security.Signature
import java.time.Instant
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * Issue 4: every acceptance-token check of `/federation/v1/handshake/accept`, each with its own
 * code, against a real hub over TLS; single use under a real race; and the accepter's pin
 * aborting before anything is sent.
 */
class HandshakeTokenSpec extends Specification {
    @Shared RunningHub a
    @Shared String adminA

    def setupSpec() {
        a = TestHubs.start(Files.createTempDirectory('handshake-a'), ['entente.hub.name': 'hub-a'])
        adminA = TestHubs.adminToken(a)
    }

    def cleanupSpec() {
        a?.stop()
    }

    @Unroll
    def "#what → #status #code"() {
        given:
        def proposal = propose()
        String token = forge.call(proposal.acceptance_token)

        when:
        def r = accept(token)

        then:
        r.status == status
        r.json.code == code
        r.json.runbook == "runbooks/tokens-and-handshake.md#$code"
        peerState(proposal.peer.id) == 'proposed'

        where:
        what                              | status | code                                  | forge
        'a token that is not a JWS'       | 400    | 'acceptance_token_malformed'          | { t -> 'garbage' }
        'alg none'                        | 401    | 'acceptance_token_alg_forbidden'      | { t -> resign(t, [alg: 'none'], null) }
        'HS256 keyed with the public key' | 401    | 'acceptance_token_alg_forbidden'      | { t -> hs256(t) }
        'a signature by another key'      | 401    | 'acceptance_token_signature_invalid'  | { t -> strangerSigned(t, [:]) }
        'another audience'                | 401    | 'acceptance_token_wrong_audience'     | { t -> hubSigned(t, [aud: 'entente-admin']) }
        'a token of another hub'          | 401    | 'acceptance_token_wrong_hub'          | { t -> hubSigned(t, [iss: 'hub_00000000']) }
        'not valid before an hour from now' | 401  | 'token_not_yet_valid'                 | { t -> hubSigned(t, [nbf: Instant.now().epochSecond + 3600]) }
        'expired'                         | 401    | 'acceptance_token_expired'            | { t -> hubSigned(t, [exp: Instant.now().epochSecond - 3600]) }
        'a signed token that was never issued' | 401 | 'acceptance_token_mismatch'         | { t -> hubSigned(t, [jti: UUID.randomUUID().toString()]) }
        'no token at all'                 | 401    | 'acceptance_token_required'           | { t -> null }
    }

    def "a token replaced by 'peers token' no longer works"() {
        given:
        def proposal = propose()
        cli('peers', 'token', proposal.peer.id)

        expect:
        accept(proposal.acceptance_token).json.code == 'acceptance_token_mismatch'
    }

    def "a bad CSR is refused with its own 4xx code and does not burn the token"() {
        given:
        def proposal = propose()

        when:
        def bad = accept(proposal.acceptance_token, 'not a csr')
        def good = accept(proposal.acceptance_token)

        then:
        bad.status == 400
        bad.json.code == 'csr_malformed'
        good.status == 200
    }

    def "twelve concurrent accepts of one token: exactly one succeeds"() {
        given:
        def proposal = propose()
        def start = new CountDownLatch(1)
        def pool = Executors.newFixedThreadPool(12)
        def futures = (1..12).collect { pool.submit({ start.await(); accept(proposal.acceptance_token) } as java.util.concurrent.Callable) }

        when:
        start.countDown()
        def results = futures*.get(60, TimeUnit.SECONDS)

        then:
        results.count { it.status == 200 } == 1
        results.findAll { it.status != 200 }*.json*.code.every { it == 'acceptance_token_used' }
        peerState(proposal.peer.id) == 'accepted'

        cleanup:
        pool?.shutdownNow()
    }

    @Unroll
    def "after an accept whose answer was lost, #who presenting the token again gets #status (issue 11)"() {
        given: 'an accepting hub used the token, and the answer never reached it'
        def proposal = propose()
        String hubId = 'hub_' + UUID.randomUUID().toString().substring(0, 8)
        Map accepter = [hub_id: hubId] + reachable()
        def nodeKey = Certificates.ed25519()
        def first = acceptAs(proposal.acceptance_token, accepter, nodeKey)
        assert first.status == 200

        when: 'the same token comes back'
        def again = acceptAs(proposal.acceptance_token, accepter + change.findAll { it.key != 'new_key' },
                change.new_key ? Certificates.ed25519() : nodeKey)

        then:
        again.status == status
        again.json.code == code
        peerState(proposal.peer.id) == 'accepted'

        and: 'a resumed enrollment gets a new certificate, and the lost one is revoked'
        if (status == 200) {
            assert again.json.node_cert != first.json.node_cert
            assert issued(first.json.node_cert).revoked()
            assert !issued(again.json.node_cert).revoked()
        } else {
            assert !issued(first.json.node_cert).revoked()
        }

        where:
        who                                  | change                         || status | code
        'the same hub'                       | [:]                            || 200    | null
        'another hub id'                     | [hub_id: 'hub_0badc0de']       || 409    | 'acceptance_token_used'
        'the same hub id at another url'     | [url: 'https://127.0.0.1:10']  || 409    | 'acceptance_token_used'
        'the same hub id with another TLS key' | [tls_fingerprint: 'cd' * 32] || 409    | 'acceptance_token_used'
        'a leaked token with the hub\'s public identity but another node key' | [new_key: true] || 409 | 'acceptance_token_used'
    }

    def "a replayed token is refused with the peer it linked and a command that works there, and the replay is audited (issue 13)"() {
        given:
        def proposal = propose()
        assert accept(proposal.acceptance_token).status == 200

        when:
        def replay = accept(proposal.acceptance_token)

        then:
        replay.status == 409
        replay.json.code == 'acceptance_token_used'
        replay.json.detail.contains("it linked peer ${proposal.peer.id}")
        replay.json.detail.contains("entente peers revoke ${proposal.peer.id}")
        !replay.json.detail.contains('peers token')

        and: 'every refusal of a credential is an access.denied event with the presenter\'s address'
        def denied = HubHttp.get(a.url() + '/api/v1/audit?type=access.denied&all=true', adminA).json
                .findAll { it.code == 'acceptance_token_used' }
        denied.size() >= 1
        denied.every { it.details.remote == '127.0.0.1' && it.details.path == '/federation/v1/handshake/accept' }
    }

    def "a token the expiry job has already forgotten is called expired, not replaced, inside the clock-skew allowance (issue 13)"() {
        given: 'a one-second token, past its exp, that the token expiry job has cleared'
        def proposal = cli('peers', 'propose', '--name', 'p-' + UUID.randomUUID().toString().substring(0, 8), '--ttl', '1s',
                '--output', 'json')
        Thread.sleep(1500)
        def tx = a.bean(dev.entente.lifecycle.db.Tx)
        tx.inTransaction { c -> new dev.entente.federation.peer.PeerCredentials(tx).expireTokens(c, Instant.now()) }

        when:
        def r = accept(proposal.acceptance_token)

        then:
        r.status == 401
        r.json.code == 'acceptance_token_expired'
        r.json.detail.startsWith('token expired at ')
    }

    def "a new proposal accepted by a hub whose earlier accept never finished replaces that peer (issue 11)"() {
        given: 'hub B used a first token, and the handshake stopped there'
        def earlier = propose()
        Map accepter = [hub_id: 'hub_' + UUID.randomUUID().toString().substring(0, 8)] + reachable()
        assert acceptAs(earlier.acceptance_token, accepter).status == 200

        when: 'the operator proposes again and B accepts the new token'
        def again = propose()
        def r = acceptAs(again.acceptance_token, accepter)

        then: 'the new peer is accepted and the unfinished one, whose token is spent, is revoked'
        r.status == 200
        peerState(again.peer.id) == 'accepted'
        peerState(earlier.peer.id) == 'revoked'
    }

    def "the accepter aborts before sending anything when the proposer's certificate is not the one in the token"() {
        given:
        def proposal = propose()
        def b = TestHubs.start(Files.createTempDirectory('handshake-b'), ['entente.hub.name': 'hub-b'])
        String wrongPin = hubSigned(proposal.acceptance_token, [tls_fingerprint: 'cd' * 32])
        def out = new StringWriter()
        def err = new StringWriter()

        when:
        int code = Main.run(['peers', 'accept', '--token', wrongPin, '--output', 'json', '--data-dir',
                             b.settings().dataDir().toString()] as String[], [:], new PrintWriter(out), new PrintWriter(err))

        then:
        code == 1
        new JsonSlurper().parseText(err.toString()).code == 'handshake_fingerprint_mismatch'
        peerState(proposal.peer.id) == 'proposed'
        accept(proposal.acceptance_token).status == 200

        cleanup:
        b?.stop()
    }

    private Map propose() {
        cli('peers', 'propose', '--name', 'p-' + UUID.randomUUID().toString().substring(0, 8), '--output', 'json')
    }

    private Map cli(String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(((args as List) + ['--data-dir', a.settings().dataDir().toString()]) as String[],
                [:], new PrintWriter(out), new PrintWriter(err))
        assert code == 0: err.toString()
        out.toString().trim().startsWith('{') ? new JsonSlurper().parseText(out.toString()) as Map : [:]
    }

    private String peerState(String id) {
        HubHttp.get(a.url() + '/api/v1/peers/' + id, adminA).json.state
    }

    private HubHttp.Answer accept(String token, String csr = null) {
        // each call plays a different accepting hub: a hub id may be linked only once
        String hubId = 'hub_' + UUID.randomUUID().toString().substring(0, 8)
        Map body = [protocol_version: 1, hub_id: hubId, csr: csr ?: Certificates.csr(Certificates.ed25519(), hubId)] + reachable()
        if (token != null) {
            body.token = token
        }
        HubHttp.post(a.url() + '/federation/v1/handshake/accept', JsonOutput.toJson(body))
    }

    /**
     * A URL and TLS fingerprint the proposer reaches when it calls the accepter back before using
     * the token: its own (a fake accepting hub has no server of its own).
     */
    private Map reachable() {
        [url: a.url(), tls_fingerprint: a.bean(TlsState).current().fingerprint()]
    }

    /** POSTs an accept as the hub {@code accepter} describes ({@code hub_id}, {@code url}, {@code tls_fingerprint}). */
    private HubHttp.Answer acceptAs(String token, Map accepter, java.security.KeyPair nodeKey = Certificates.ed25519()) {
        Map body = [protocol_version: 1, token: token, csr: Certificates.csr(nodeKey, accepter.hub_id)] + accepter
        HubHttp.post(a.url() + '/federation/v1/handshake/accept', JsonOutput.toJson(body))
    }

    /** The proposer's record of a certificate its CA issued. */
    private dev.entente.ca.authority.IssuedCertificate issued(String pem) {
        String fingerprint = Certificates.fingerprint(Certificates.parsePem(pem)[0])
        a.bean(Tx).read { c -> a.bean(CertificateAuthority).findByFingerprint(c, fingerprint) }.get()
    }

    private static Map claims(String token) {
        new JsonSlurper().parse(Base64.urlDecoder.decode(token.split('\\.')[1])) as Map
    }

    private static String b64(Object json) {
        Base64.urlEncoder.withoutPadding().encodeToString(JsonOutput.toJson(json).bytes)
    }

    private static String resign(String token, Map header, byte[] signature) {
        b64(header) + '.' + token.split('\\.')[1] + '.' + (signature == null ? '' : Base64.urlEncoder.withoutPadding().encodeToString(signature))
    }

    private String hs256(String token) {
        def key = a.bean(SealedKeyStore).active('jwt').get()
        String input = b64([alg: 'HS256', kid: key.id()]) + '.' + token.split('\\.')[1]
        Mac mac = Mac.getInstance('HmacSHA256')
        mac.init(new SecretKeySpec(key.publicKey(), 'HmacSHA256'))
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(mac.doFinal(input.bytes))
    }

    private String strangerSigned(String token, Map changes) {
        def key = a.bean(SealedKeyStore).active('jwt').get()
        sign(token, changes, key.id(), Certificates.ed25519().private)
    }

    /** Re-signs with A's real key: only the changed claim can make A refuse it. */
    private String hubSigned(String token, Map changes) {
        def key = a.bean(SealedKeyStore).active('jwt').get()
        sign(token, changes, key.id(), Certificates.privateKey('Ed25519', key.secret()))
    }

    private static String sign(String token, Map changes, String kid, java.security.PrivateKey key) {
        String input = b64([alg: 'EdDSA', typ: 'JWT', kid: kid]) + '.' + b64(claims(token) + changes)
        Signature s = Signature.getInstance('Ed25519')
        s.initSign(key)
        s.update(input.bytes)
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(s.sign())
    }
}
