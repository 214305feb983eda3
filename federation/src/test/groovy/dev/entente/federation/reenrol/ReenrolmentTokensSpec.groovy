package dev.entente.federation.reenrol

import dev.entente.ca.jws.TokenKeySource
import dev.entente.ca.crypto.Certificates
import dev.entente.federation.handshake.AcceptanceTokens
import dev.entente.federation.token.SingleUseTokens
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.Specification

import java.security.KeyPair
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset

/** Re-enrolment tokens: bound to one peer's hub, valid only on the hub that minted them, never taken for acceptance tokens. */
class ReenrolmentTokensSpec extends Specification {
    static final KeyPair KEY = Certificates.ed25519()
    static final Instant NOW = Instant.parse('2026-11-01T00:00:00Z')
    static final String URL = 'https://hub-a.example:7443'
    static final String FP = 'ab' * 32

    ReenrolmentTokens tokensAt(Instant now, String hubId = 'hub_0000000a') {
        new ReenrolmentTokens(new SingleUseTokens(ReenrolmentTokens.AUDIENCE, true, hubId, TokenKeySource.fixed('k1', KEY.private, KEY.public), Clock.fixed(now, ZoneOffset.UTC), Duration.ofSeconds(60)))
    }

    def "a minted token verifies on its hub and names the peer's hub it is bound to"() {
        when:
        def minted = tokensAt(NOW).mint('hub_0000000b', URL, FP, Duration.ofHours(1))
        def claims = tokensAt(NOW).verify(minted.token())

        then:
        claims.issuer() == 'hub_0000000a'
        claims.subject() == 'hub_0000000b'
        claims.jti() == minted.jti()
        claims.url() == URL
        claims.tlsFingerprint() == FP
        ReenrolmentTokens.readClaims(minted.token()) == claims
        minted.digest().length == 32
    }

    def "refusals: #why"() {
        when:
        tokensAt(at, hub).verify(token())

        then:
        EntenteException e = thrown()
        e.code() == code
        e.detail().contains(words)

        where:
        why                          | at                   | hub            | token                                                                                   || code                                 | words
        'an acceptance token'        | NOW                  | 'hub_0000000a' | { acceptance() }                                                                        || ErrorCode.REENROLMENT_TOKEN_INVALID  | 'entente peers accept'
        'minted by another hub'      | NOW                  | 'hub_0000000c' | { tokensAt(NOW).mint('hub_0000000b', URL, FP, Duration.ofHours(1)).token() }             || ErrorCode.REENROLMENT_TOKEN_INVALID  | 'not by this hub'
        'expired past the skew'      | NOW + Duration.ofMinutes(62) | 'hub_0000000a' | { tokensAt(NOW).mint('hub_0000000b', URL, FP, Duration.ofHours(1)).token() } || ErrorCode.REENROLMENT_TOKEN_EXPIRED | 'entente peers reenroll ID'
        'garbage'                    | NOW                  | 'hub_0000000a' | { 'x.y.z' }                                                                             || ErrorCode.REENROLMENT_TOKEN_INVALID  | 'not one this hub signed'
        'empty'                      | NOW                  | 'hub_0000000a' | { '' }                                                                                  || ErrorCode.REENROLMENT_TOKEN_INVALID  | 'no re-enrolment token'
    }

    def "a token within the clock skew after its expiry still verifies"() {
        given:
        def token = tokensAt(NOW).mint('hub_0000000b', URL, FP, Duration.ofHours(1)).token()

        expect:
        tokensAt(NOW + Duration.ofMinutes(60) + Duration.ofSeconds(30)).verify(token).subject() == 'hub_0000000b'
    }

    private static String acceptance() {
        new AcceptanceTokens(new SingleUseTokens(AcceptanceTokens.AUDIENCE, false, 'hub_0000000a', TokenKeySource.fixed('k1', KEY.private, KEY.public), Clock.fixed(NOW, ZoneOffset.UTC), Duration.ofSeconds(60)))
                .mint(URL, FP, Duration.ofHours(1)).token()
    }
}
