package dev.entente.ca.crypto

import spock.lang.Specification

import javax.crypto.AEADBadTagException

class AeadSpec extends Specification {
    byte[] key = new byte[32].tap { new Random(1).nextBytes(it) }

    def "seal and open round trip with a fresh nonce each time"() {
        when:
        byte[] a = Aead.seal(key, 'hello'.bytes, 'id'.bytes)
        byte[] b = Aead.seal(key, 'hello'.bytes, 'id'.bytes)

        then:
        a.length == 12 + 5 + 16
        a != b
        Aead.open(key, a, 'id'.bytes) == 'hello'.bytes
    }

    def "open fails on #what"() {
        given:
        byte[] sealed = Aead.seal(key, 'hello'.bytes, 'id'.bytes)

        when:
        Aead.open(k ?: key, mangle(sealed), aad.bytes)

        then:
        thrown(AEADBadTagException)

        where:
        what                | k             | aad  | mangle
        'another AAD'       | null          | 'ix' | { it }
        'another key'       | new byte[32]  | 'id' | { it }
        'a flipped bit'     | null          | 'id' | { byte[] s -> s[15] ^= 1; s }
        'a truncated blob'  | null          | 'id' | { byte[] s -> Arrays.copyOf(s, s.length - 1) }
        'a too short blob'  | null          | 'id' | { byte[] s -> new byte[10] }
    }
}
