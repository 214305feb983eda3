package dev.entente.controlplane.security

import dev.entente.ca.vault.TokenKeyring
import dev.entente.ca.vault.SealedKeyStore
import dev.entente.ca.crypto.Certificates
import dev.entente.controlplane.HubHttp
import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.hub.RunningHub
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Unroll

import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import java.security.KeyPairGenerator
import java.security.Signature
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset

/** Every way an operator token can be wrong gets its own 401 code, and each refusal is audited. */
class OperatorTokenSpec extends Specification {
    @Shared RunningHub hub
    @Shared String base
    @Shared String admin

    def setupSpec() {
        hub = TestHubs.start()
        base = hub.url()
        admin = TestHubs.adminToken(hub)
    }

    def cleanupSpec() {
        hub?.stop()
    }

    @Unroll
    def "#what is refused with 401 #code"() {
        when:
        def r = HubHttp.get("$base/api/v1/status", token.call())

        then:
        r.status == 401
        r.contentType.startsWith('application/problem+json')
        r.json.code == code
        r.json.runbook == "runbooks/operators-and-admin-api.md#$code"
        HubHttp.get("$base/api/v1/audit?type=access.denied&limit=1", admin).json[0].code == code

        where:
        what                                   | code                           | token
        'no token'                             | 'auth_token_missing'           | { null }
        'a token that is not a JWS'            | 'auth_token_malformed'         | { 'not-a-token' }
        'a header that is not JSON'            | 'auth_token_malformed'         | { b64('nope') + '.' + b64('{}') + '.' }
        'alg none'                             | 'auth_token_alg_forbidden'     | { unsigned([alg: 'none']) }
        'alg NONE in another case'             | 'auth_token_alg_forbidden'     | { unsigned([alg: 'NONE']) }
        'HS256 keyed with the public key'      | 'auth_token_alg_forbidden'     | { hs256() }
        'RS256'                                | 'auth_token_alg_forbidden'     | { unsigned([alg: 'RS256', kid: jwtKeyId()]) + 'c2ln' }
        'EdDSA signed by a stranger\'s key'    | 'auth_token_signature_invalid' | { strangerSigned() }
        'a valid token with one claim changed' | 'auth_token_signature_invalid' | { tamperedRoles() }
        'an expired token'                     | 'auth_token_expired'           | { withClock(Instant.now().minus(Duration.ofDays(2)), hub.hubId()).issue('old', [Role.ADMIN] as Set, Duration.ofHours(1)).token() }
        'a token not valid before an hour on'  | 'auth_token_not_yet_valid'     | { hubSigned(claims() + [nbf: Instant.now().epochSecond + 3600]) }
        'a token of another hub'               | 'auth_token_wrong_hub'         | { withClock(Instant.now(), 'hub_00000000').issue('other', [Role.ADMIN] as Set, Duration.ofHours(1)).token() }
    }

    def "a token minted while this hub's clock ran two hours fast still works after the clock is stepped back"() {
        given: 'NTP corrected the clock: every token minted before, admin.token included, has an iat ahead of it'
        String minted = withClock(Instant.now().plus(Duration.ofHours(2)), hub.hubId()).issue('fast', [Role.ADMIN] as Set, Duration.ofHours(4)).token()

        expect: 'the signature proves this hub minted it; refusing would lock the operator out until the clock caught up'
        HubHttp.get("$base/api/v1/status", minted).status == 200
    }

    def "the alg allow-list of a hub whose key is sealed is EdDSA alone"() {
        expect:
        withClock(Instant.now(), hub.hubId()).allowedAlgs() == ['EdDSA'] as Set
    }

    def "a well-formed admin token is accepted"() {
        expect:
        HubHttp.get("$base/api/v1/status", admin).status == 200
    }

    def "issue 11: a minted token carries its minting chain, signed; with every policy auto, approver tokens are minted at once"() {
        when: 'admin.token (chain []) mints an admin, who mints two approvers'
        def ops = HubHttp.post("$base/api/v1/operators/tokens", '{"subject":"ops","role":"admin"}', admin)
        def first = HubHttp.post("$base/api/v1/operators/tokens", '{"subject":"appr1","role":"approver"}', ops.json.token)
        def second = HubHttp.post("$base/api/v1/operators/tokens", '{"subject":"appr2","role":"approver"}', ops.json.token)

        then: 'nothing is gated: no policy requires approval'
        [ops, first, second]*.status == [201, 201, 201]
        ops.json.minted_by == ['admin']
        second.json.minted_by == ['admin', 'ops']
        claimsOf(second.json.token).minted_by == ['admin', 'ops']
        claimsOf(admin).minted_by == null || claimsOf(admin).minted_by == []
    }

    def "issue 11: a forged minting chain does not verify"() {
        given:
        String[] parts = HubHttp.post("$base/api/v1/operators/tokens", '{"subject":"low2","role":"approver"}', admin).json.token.split('\\.')
        Map c = claimsOf(parts.join('.'))
        c.minted_by = []

        expect:
        HubHttp.get("$base/api/v1/status", parts[0] + '.' + b64(JsonOutput.toJson(c)) + '.' + parts[2]).json.code == 'auth_token_signature_invalid'
    }

    def "issue 12: a token signed as before Nimbus (JDK Ed25519, the old header and claim order) still verifies"() {
        given: 'the bytes the hand-written signer produced'
        def key = hub.bean(SealedKeyStore).active('jwt').get()
        long now = Instant.now().epochSecond
        String input = b64(JsonOutput.toJson([alg: 'EdDSA', typ: 'JWT', kid: key.id()])) + '.' + b64(JsonOutput.toJson(
                [iss: hub.hubId(), aud: 'entente-admin', sub: 'legacy', roles: ['viewer'], iat: now, exp: now + 3600,
                 jti: UUID.randomUUID().toString(), minted_by: ['admin']]))
        Signature s = Signature.getInstance('Ed25519')
        s.initSign(Certificates.privateKey('Ed25519', key.secret()))
        s.update(input.bytes)
        String legacy = input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(s.sign())

        expect: 'read access as its role allows, and no more'
        HubHttp.get("$base/api/v1/status", legacy).status == 200
        HubHttp.post("$base/api/v1/peers", '{"name":"nope"}', legacy).json.code == 'auth_role_forbidden'
    }

    private static Map claimsOf(String token) {
        new groovy.json.JsonSlurper().parse(Base64.urlDecoder.decode(token.split('\\.')[1])) as Map
    }

    private String jwtKeyId() {
        hub.bean(SealedKeyStore).active('jwt').get().id()
    }

    private OperatorTokens withClock(Instant at, String hubId) {
        new OperatorTokens(hubId, hub.bean(TokenKeyring), Clock.fixed(at, ZoneOffset.UTC), Duration.ofSeconds(60))
    }

    private Map claims() {
        long now = Instant.now().epochSecond
        [iss: hub.hubId(), aud: 'entente-admin', sub: 'mallory', roles: ['admin'], iat: now, exp: now + 3600]
    }

    private String hubSigned(Map claims) {
        def key = hub.bean(SealedKeyStore).active('jwt').get()
        String input = b64(JsonOutput.toJson([alg: 'EdDSA', kid: key.id()])) + '.' + b64(JsonOutput.toJson(claims))
        Signature s = Signature.getInstance('Ed25519')
        s.initSign(Certificates.privateKey('Ed25519', key.secret()))
        s.update(input.bytes)
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(s.sign())
    }

    private String unsigned(Map header) {
        b64(JsonOutput.toJson(header)) + '.' + b64(JsonOutput.toJson(claims())) + '.'
    }

    private String hs256() {
        // The classic confusion: the verifier's public key used as an HMAC secret.
        String input = b64(JsonOutput.toJson([alg: 'HS256', kid: jwtKeyId()])) + '.' + b64(JsonOutput.toJson(claims()))
        Mac mac = Mac.getInstance('HmacSHA256')
        mac.init(new SecretKeySpec(hub.bean(SealedKeyStore).active('jwt').get().publicKey(), 'HmacSHA256'))
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(mac.doFinal(input.bytes))
    }

    private String strangerSigned() {
        def kp = KeyPairGenerator.getInstance('Ed25519').generateKeyPair()
        String input = b64(JsonOutput.toJson([alg: 'EdDSA', kid: jwtKeyId()])) + '.' + b64(JsonOutput.toJson(claims()))
        Signature s = Signature.getInstance('Ed25519')
        s.initSign(kp.private)
        s.update(input.bytes)
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(s.sign())
    }

    private String tamperedRoles() {
        String[] parts = HubHttp.post("$base/api/v1/operators/tokens", '{"subject":"low","role":"viewer"}', admin).json.token.split('\\.')
        Map c = new groovy.json.JsonSlurper().parse(Base64.urlDecoder.decode(parts[1]))
        c.roles = ['admin']
        parts[0] + '.' + b64(JsonOutput.toJson(c)) + '.' + parts[2]
    }

    private static String b64(String s) {
        Base64.urlEncoder.withoutPadding().encodeToString(s.bytes)
    }
}
