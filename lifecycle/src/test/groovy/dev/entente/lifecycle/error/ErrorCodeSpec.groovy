package dev.entente.lifecycle.error

import spock.lang.Specification

class ErrorCodeSpec extends Specification {
    def "every code is unique and snake_case"() {
        given:
        def codes = ErrorCode.values()*.code()

        expect:
        codes.size() == codes.toSet().size()
        codes.findAll { !(it ==~ /[a-z][a-z0-9]*(_[a-z0-9]+)*/) } == []
    }

    def "#code has a 4xx or 5xx status, a title, and round-trips through byCode"() {
        expect:
        code.status() in 400..599
        !code.title().isBlank()
        ErrorCode.byCode(code.code()) == Optional.of(code)

        where:
        code << ErrorCode.values()
    }

    def "an exception's detail is its message without the code prefix"() {
        given:
        def e = new EntenteException(ErrorCode.KEY_PASSPHRASE_INVALID, 'set ENTENTE_KEY_PASSPHRASE')

        expect:
        e.message == 'key_passphrase_invalid: set ENTENTE_KEY_PASSPHRASE'
        e.detail() == 'set ENTENTE_KEY_PASSPHRASE'
        e.toProblem().status() == 503
    }
}
