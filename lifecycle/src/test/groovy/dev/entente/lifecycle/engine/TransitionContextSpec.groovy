package dev.entente.lifecycle.engine

import spock.lang.Specification

import java.time.Instant

/** The caller's context of a transition: typed keys, immutable, absent rather than null. */
class TransitionContextSpec extends Specification {
    static final ContextKey<Instant> NOW = ContextKey.named('now')
    static final ContextKey<String> REASON = ContextKey.named('reason')

    def "a value comes back under its key with its type; with() leaves the original as it was"() {
        given:
        def at = Instant.parse('2026-01-01T12:00:00Z')
        def base = TransitionContext.of(NOW, at)

        when:
        def more = base.with(REASON, 'key leaked')

        then:
        more.get(NOW) == at
        more.require(REASON) == 'key leaked'
        base.get(REASON) == null
    }

    def "a null value leaves the key absent, and require names the missing key"() {
        when:
        TransitionContext.of(REASON, null).require(REASON)

        then:
        IllegalArgumentException e = thrown()
        e.message == "context 'reason' is required"
    }

    def "keys compare by identity: another key of the same name does not read the value"() {
        expect:
        TransitionContext.of(REASON, 'x').get(ContextKey.named('reason')) == null
    }
}
