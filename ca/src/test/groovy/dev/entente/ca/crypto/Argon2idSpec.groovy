package dev.entente.ca.crypto

import spock.lang.Specification

class Argon2idSpec extends Specification {
    static final Argon2id.Params FAST = new Argon2id.Params(1024, 1, 1)
    byte[] salt = 'sixteen byte salt'.bytes

    def "derivation is deterministic and depends on passphrase, salt and parameters"() {
        given:
        byte[] k = Argon2id.derive('pass'.toCharArray(), salt, FAST)

        expect:
        k.length == 32
        Argon2id.derive('pass'.toCharArray(), salt, 1024, 1, 1) == k
        Argon2id.derive('pasS'.toCharArray(), salt, FAST) != k
        Argon2id.derive('pass'.toCharArray(), 'another salt....'.bytes, FAST) != k
        Argon2id.derive('pass'.toCharArray(), salt, new Argon2id.Params(1024, 2, 1)) != k
    }

    def "the passphrase array is left as it was"() {
        given:
        char[] pass = 'pass'.toCharArray()

        when:
        Argon2id.derive(pass, salt, FAST)

        then:
        pass == 'pass'.toCharArray()
    }

    def "production defaults are 64 MiB, 3 iterations, 1 lane"() {
        expect:
        Argon2id.Params.DEFAULTS == new Argon2id.Params(65536, 3, 1)
    }

    def "a new vault gets the production cost unless the test suite asked for the cheap one"() {
        given: 'the suite runs with the property set (pom.xml)'
        String before = System.getProperty(Argon2id.Params.WEAK_FOR_TESTS_PROPERTY)

        when:
        System.setProperty(Argon2id.Params.WEAK_FOR_TESTS_PROPERTY, property)
        def chosen = Argon2id.Params.forNewVault()

        then:
        chosen == expected

        cleanup:
        before == null ? System.clearProperty(Argon2id.Params.WEAK_FOR_TESTS_PROPERTY)
                : System.setProperty(Argon2id.Params.WEAK_FOR_TESTS_PROPERTY, before)

        where:
        property | expected
        'true'   | new Argon2id.Params(1024, 1, 1)
        'false'  | Argon2id.Params.DEFAULTS
        ''       | Argon2id.Params.DEFAULTS
        'yes'    | Argon2id.Params.DEFAULTS
    }

    def "absurd parameters are refused (a tampered vault row must not exhaust memory)"() {
        when:
        new Argon2id.Params(memory, iterations, lanes)

        then:
        thrown(IllegalArgumentException)

        where:
        memory        | iterations | lanes
        4             | 1          | 1
        8 * 1024 * 1024 | 1        | 1
        1024          | 0          | 1
        1024          | 1          | 0
    }
}
