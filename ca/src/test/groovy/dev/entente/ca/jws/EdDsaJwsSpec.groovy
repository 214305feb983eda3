package dev.entente.ca.jws

import groovy.json.JsonOutput
import spock.lang.Specification

import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.Signature

/**
 * Issue 12: Entente's JWS over Nimbus. The alg allow-list refuses before any signature work (the
 * signature step is never called), Nimbus' Ed25519 and the JDK's agree both ways (tokens signed
 * before the move verify after it), and each refusal keeps its kind.
 */
class EdDsaJwsSpec extends Specification {
    static final KeyPair KEYS = KeyPairGenerator.getInstance('Ed25519').generateKeyPair()
    static final java.util.function.Function<String, java.security.PublicKey> KEYS_BY_ID = { String kid -> kid == 'k1' ? KEYS.public : null }
    static final Map CLAIMS = [iss: 'hub_1', sub: 'ops', exp: 4102444800L]

    def "#alg is refused as ALG_FORBIDDEN without the signature step ever running"() {
        given:
        int calls = 0
        EdDsaJws.SignatureCheck counting = { jws -> calls++; true } as EdDsaJws.SignatureCheck

        when:
        EdDsaJws.verifyWith(token.call(), counting)

        then:
        def e = thrown(EdDsaJws.JwsException)
        e.failure() == EdDsaJws.Failure.ALG_FORBIDDEN
        calls == 0

        where:
        alg           | token
        'none'        | { unsigned([alg: 'none']) + '' }
        'HS256'       | { hs256() }
        'RS256'       | { unsigned([alg: 'RS256', kid: 'k1']) + 'c2ln' }
        'no alg'      | { unsigned([kid: 'k1']) + 'c2ln' }
        'alg as list' | { unsigned([alg: ['EdDSA'], kid: 'k1']) + 'c2ln' }
    }

    def "a token Nimbus signed verifies with the JDK, and one the JDK signed verifies with Nimbus"() {
        when: 'Nimbus signs'
        String token = EdDsaJws.sign(claimsNode(), 'k1', KEYS.private)
        String[] parts = token.split('\\.')
        Signature jdk = Signature.getInstance('Ed25519')
        jdk.initVerify(KEYS.public)
        jdk.update((parts[0] + '.' + parts[1]).bytes)

        then:
        jdk.verify(Base64.urlDecoder.decode(parts[2]))
        EdDsaJws.verify(token, KEYS_BY_ID).text('sub') == 'ops'

        when: 'the JDK signs, as the hand-written signer did'
        String legacy = jdkSigned([alg: 'EdDSA', typ: 'JWT', kid: 'k1'], CLAIMS)

        then:
        EdDsaJws.verify(legacy, KEYS_BY_ID).text('iss') == 'hub_1'
    }

    def "#what → #failure"() {
        when:
        EdDsaJws.verify(token.call(), KEYS_BY_ID)

        then:
        def e = thrown(EdDsaJws.JwsException)
        e.failure() == failure

        where:
        what                         | failure                            | token
        'two parts'                  | EdDsaJws.Failure.MALFORMED         | { 'a.b' }
        'a critical header'          | EdDsaJws.Failure.MALFORMED         | { jdkSigned([alg: 'EdDSA', kid: 'k1', crit: ['exp'], exp: 1], CLAIMS) }
        'a kid with a control char'  | EdDsaJws.Failure.MALFORMED         | { jdkSigned([alg: 'EdDSA', kid: 'k\u0001'], CLAIMS) }
        'a padded signature'         | EdDsaJws.Failure.MALFORMED         | { EdDsaJws.sign(claimsNode(), 'k1', KEYS.private) + '==' }
        'an unknown kid'             | EdDsaJws.Failure.SIGNATURE_INVALID | { EdDsaJws.sign(claimsNode(), 'k2', KEYS.private) }
        'no kid'                     | EdDsaJws.Failure.SIGNATURE_INVALID | { jdkSigned([alg: 'EdDSA'], CLAIMS) }
        'a stranger\'s key'          | EdDsaJws.Failure.SIGNATURE_INVALID | { EdDsaJws.sign(claimsNode(), 'k1', KeyPairGenerator.getInstance('Ed25519').generateKeyPair().private) }
        'a changed claim'            | EdDsaJws.Failure.SIGNATURE_INVALID | { String[] p = EdDsaJws.sign(claimsNode(), 'k1', KEYS.private).split('\\.'); p[0] + '.' + b64(JsonOutput.toJson(CLAIMS + [sub: 'root'])) + '.' + p[2] }
    }

    def "a hub whose key is ECDSA P-256 (in a PKCS#11 token) signs ES256 and accepts ES256 alone; #alg is refused before any signature work"() {
        given:
        KeyPair ec = KeyPairGenerator.getInstance('EC').with { initialize(256); generateKeyPair() }
        String es256 = EdDsaJws.sign(claimsNode(), new TokenKeySource.SigningKey('k1', ec.private))
        int calls = 0
        EdDsaJws.SignatureCheck counting = { jws -> calls++; true } as EdDsaJws.SignatureCheck

        expect:
        EdDsaJws.unverifiedHeader(es256).get('alg').asText() == 'ES256'
        EdDsaJws.verify(es256, EdDsaJws.ES256, { kid -> kid == 'k1' ? ec.public : null }).text('sub') == 'ops'

        when:
        EdDsaJws.verifyWith(token.call(), EdDsaJws.ES256, counting)

        then:
        def e = thrown(EdDsaJws.JwsException)
        e.failure() == EdDsaJws.Failure.ALG_FORBIDDEN
        e.message.contains('only ES256 is accepted')
        calls == 0

        where:
        alg     | token
        'EdDSA' | { EdDsaJws.sign(claimsNode(), 'k1', KEYS.private) }
        'none'  | { unsigned([alg: 'none']) + '' }
        'HS256' | { hs256() }
    }

    def "an ES256 token is refused where EdDSA is the allowed alg, and an EdDSA key never verifies an ES256 token"() {
        given:
        KeyPair ec = KeyPairGenerator.getInstance('EC').with { initialize(256); generateKeyPair() }
        String es256 = EdDsaJws.sign(claimsNode(), new TokenKeySource.SigningKey('k1', ec.private))

        when:
        EdDsaJws.verify(es256, KEYS_BY_ID)

        then:
        thrown(EdDsaJws.JwsException)

        when: 'the allow-list says ES256 but the key named is Ed25519'
        EdDsaJws.verify(es256, EdDsaJws.ES256, KEYS_BY_ID)

        then:
        def e = thrown(EdDsaJws.JwsException)
        e.failure() == EdDsaJws.Failure.SIGNATURE_INVALID
    }

    private static com.fasterxml.jackson.databind.node.ObjectNode claimsNode() {
        new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(CLAIMS)
    }

    private static String unsigned(Map header) {
        b64(JsonOutput.toJson(header)) + '.' + b64(JsonOutput.toJson(CLAIMS)) + '.'
    }

    private static String hs256() {
        // the classic confusion: the verifier's public key used as an HMAC secret
        String input = b64(JsonOutput.toJson([alg: 'HS256', kid: 'k1'])) + '.' + b64(JsonOutput.toJson(CLAIMS))
        Mac mac = Mac.getInstance('HmacSHA256')
        mac.init(new SecretKeySpec(KEYS.public.encoded, 'HmacSHA256'))
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(mac.doFinal(input.bytes))
    }

    private static String jdkSigned(Map header, Map claims) {
        String input = b64(JsonOutput.toJson(header)) + '.' + b64(JsonOutput.toJson(claims))
        Signature s = Signature.getInstance('Ed25519')
        s.initSign(KEYS.private)
        s.update(input.bytes)
        input + '.' + Base64.urlEncoder.withoutPadding().encodeToString(s.sign())
    }

    private static String b64(String s) {
        Base64.urlEncoder.withoutPadding().encodeToString(s.bytes)
    }
}
