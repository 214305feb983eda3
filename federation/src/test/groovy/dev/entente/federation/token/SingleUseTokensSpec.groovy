package dev.entente.federation.token

import dev.entente.ca.jws.TokenKeySource
import dev.entente.ca.crypto.Certificates
import dev.entente.federation.handshake.AcceptanceTokenTable
import dev.entente.federation.handshake.AcceptanceTokens
import dev.entente.federation.peer.PeerFixture
import dev.entente.federation.peer.PeerLifecycle
import dev.entente.federation.peer.PeerState
import dev.entente.federation.reenrol.ReenrolmentTokenTable
import dev.entente.federation.reenrol.ReenrolmentTokens
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonOutput
import spock.lang.Shared
import spock.lang.Specification

import java.security.KeyPair
import java.security.Signature
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * Issue 12: one single-use token mechanism for acceptance and re-enrolment tokens. Each kind
 * differs only in audience, binding and table; tokens minted before the change (their wire
 * layout signed by the JDK, as the old code did) still verify; and a stored token is spent once
 * under concurrent redemptions.
 */
class SingleUseTokensSpec extends Specification {
    static final KeyPair KEY = Certificates.ed25519()
    static final Instant NOW = Instant.parse('2026-11-01T00:00:00Z')
    static final String HUB = 'hub_0000000a'
    static final String URL = 'https://hub-a.example:7443'
    static final String FP = 'ab' * 32

    @Shared PeerFixture db = new PeerFixture()

    def cleanupSpec() {
        db.close()
    }

    static SingleUseTokens tokens(String audience, boolean bound, Instant now = NOW) {
        new SingleUseTokens(audience, bound, HUB, TokenKeySource.fixed('k1', KEY.private, KEY.public),
                Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(60))
    }

    def "#kind: a minted token verifies on its hub and reads the same unverified"() {
        given:
        def single = tokens(audience, sub != null)

        when:
        def minted = single.mint(sub, URL, FP, Duration.ofHours(1))
        def claims = single.verify(minted.token())

        then:
        claims == SingleUseTokens.read(minted.token(), sub != null)
        claims.issuer() == HUB
        claims.subject() == sub
        claims.audience() == audience
        claims.jti() == minted.jti()
        claims.issuedAt() == NOW
        claims.expiresAt() == NOW + Duration.ofHours(1)
        minted.digest() == PeerLifecycle.tokenDigest(minted.token())
        !minted.toString().contains(minted.token())

        where:
        kind          | audience                   | sub
        'acceptance'  | AcceptanceTokens.AUDIENCE  | null
        'reenrolment' | ReenrolmentTokens.AUDIENCE | 'hub_0000000b'
    }

    def "a #kind token minted by the code before the change (JDK-signed, its claim layout) still verifies"() {
        given: 'a token in flight during an upgrade'
        Map claims = [iss: HUB] + (sub ? [sub: sub] : [:]) + [aud: audience, jti: UUID.randomUUID().toString(), url: URL,
                      tls_fingerprint: FP, iat: NOW.epochSecond, exp: (NOW + Duration.ofDays(1)).epochSecond]
        String old = jdkSigned(claims)

        expect:
        tokens(audience, sub != null).verify(old).jti() == UUID.fromString(claims.jti)

        where:
        kind          | audience                   | sub
        'acceptance'  | AcceptanceTokens.AUDIENCE  | null
        'reenrolment' | ReenrolmentTokens.AUDIENCE | 'hub_0000000b'
    }

    def "a #kind token minted just before this hub's clock was stepped back #stepBack still verifies"() {
        given: 'minted while the clock ran fast, then NTP corrected it'
        String token = tokens(audience, sub != null).mint(sub, URL, FP, Duration.ofHours(1)).token()

        expect: 'the signature proves this hub minted it; exp still bounds it'
        tokens(audience, sub != null, NOW - stepBack).verify(token).issuedAt() == NOW

        where:
        kind          | audience                   | sub            | stepBack
        'acceptance'  | AcceptanceTokens.AUDIENCE  | null           | Duration.ofMinutes(2)
        'acceptance'  | AcceptanceTokens.AUDIENCE  | null           | Duration.ofMinutes(30)
        'reenrolment' | ReenrolmentTokens.AUDIENCE | 'hub_0000000b' | Duration.ofMinutes(5)
    }

    def "neither kind passes for the other"() {
        given:
        def acceptance = new AcceptanceTokens(tokens(AcceptanceTokens.AUDIENCE, false))
        def reenrolment = new ReenrolmentTokens(tokens(ReenrolmentTokens.AUDIENCE, true))

        when:
        acceptance.verify(reenrolment.mint('hub_0000000b', URL, FP, Duration.ofHours(1)).token())

        then:
        EntenteException a = thrown()
        a.code() == ErrorCode.ACCEPTANCE_TOKEN_WRONG_AUDIENCE

        when:
        reenrolment.verify(acceptance.mint(URL, FP, Duration.ofHours(1)).token())

        then:
        EntenteException r = thrown()
        r.code() == ErrorCode.REENROLMENT_TOKEN_INVALID
        r.detail().contains('entente peers accept')
    }

    def "refusal #reason"() {
        when:
        tokens(AcceptanceTokens.AUDIENCE, false, at).verify(token.call())

        then:
        SingleUseTokens.Refusal e = thrown()
        e.reason() == reason

        where:
        reason                              | at                              | token
        SingleUseTokens.Reason.MISSING      | NOW                             | { ' ' }
        SingleUseTokens.Reason.MALFORMED    | NOW                             | { 'x.y' }
        SingleUseTokens.Reason.EXPIRED      | NOW + Duration.ofMinutes(62)    | { tokens(AcceptanceTokens.AUDIENCE, false).mint(null, URL, FP, Duration.ofHours(1)).token() }
        SingleUseTokens.Reason.NOT_YET_VALID | NOW                            | { jdkSigned([iss: HUB, aud: AcceptanceTokens.AUDIENCE, jti: UUID.randomUUID().toString(), url: URL, tls_fingerprint: FP, nbf: NOW.epochSecond + 3600, exp: NOW.epochSecond + 7200]) }
        SingleUseTokens.Reason.WRONG_ISSUER | NOW                             | { jdkSigned([iss: 'hub_0000000c', aud: AcceptanceTokens.AUDIENCE, jti: UUID.randomUUID().toString(), url: URL, tls_fingerprint: FP, exp: NOW.epochSecond + 60]) }
        SingleUseTokens.Reason.CLAIMS_INVALID | NOW                           | { jdkSigned([iss: HUB, aud: AcceptanceTokens.AUDIENCE, jti: 'not-a-uuid', url: URL, tls_fingerprint: FP, exp: NOW.epochSecond + 60]) }
        SingleUseTokens.Reason.SIGNATURE_INVALID | NOW                        | { jdkSigned([iss: HUB, aud: AcceptanceTokens.AUDIENCE], Certificates.ed25519()) }
    }

    def "two concurrent redemptions of one re-enrolment token: exactly one spends it"() {
        given:
        def table = new ReenrolmentTokenTable()
        UUID peer = db.peerIn(PeerState.ACTIVE, [hub_id: 'hub_0000000b'])
        def minted = new ReenrolmentTokens(tokens(ReenrolmentTokens.AUDIENCE, true)).mint('hub_0000000b', URL, FP, Duration.ofHours(1))
        db.tx.inTransaction { c -> table.insert(c, minted.jti(), peer, minted.digest(), minted.expiresAt(), 'ops'); null }
        def start = new CountDownLatch(1)
        def pool = Executors.newFixedThreadPool(2)

        when:
        def futures = (1..2).collect {
            pool.submit({ start.await(); db.tx.inTransaction { c -> table.consume(c, minted.jti(), minted.digest(), NOW) } } as Callable)
        }
        start.countDown()
        def spent = futures*.get(30, TimeUnit.SECONDS)

        then:
        spent.count { it } == 1
        db.tx.read { c -> table.find(c, minted.jti()) }.get().use() == TokenTable.Use.USED

        cleanup:
        pool?.shutdownNow()
    }

    def "the acceptance table tells an outstanding token from a used and a withdrawn one, by its id"() {
        given:
        def table = new AcceptanceTokenTable()
        UUID jti = UUID.randomUUID()
        UUID peer = db.peerIn(state, [token_jti: jti] + (hubId ? [hub_id: hubId] : [:]))

        expect:
        db.tx.read { c -> table.find(c, jti) }.get().use() == use
        db.tx.read { c -> table.find(c, jti) }.get().peerId() == peer
        db.tx.read { c -> table.find(c, UUID.randomUUID()) }.isEmpty()

        where:
        state              | hubId                                             || use
        PeerState.PROPOSED | null                                              || TokenTable.Use.OUTSTANDING
        PeerState.ACTIVE   | 'hub_' + UUID.randomUUID().toString().take(8)     || TokenTable.Use.USED
        PeerState.REVOKED  | null                                              || TokenTable.Use.WITHDRAWN
    }

    private static String jdkSigned(Map claims, KeyPair key = KEY) {
        String input = b64([alg: 'EdDSA', typ: 'JWT', kid: 'k1']) + '.' + b64(claims)
        Signature s = Signature.getInstance('Ed25519')
        s.initSign(key.private)
        s.update(input.bytes)
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(s.sign())
    }

    private static String b64(Map json) {
        Base64.urlEncoder.withoutPadding().encodeToString(JsonOutput.toJson(json).bytes)
    }
}
