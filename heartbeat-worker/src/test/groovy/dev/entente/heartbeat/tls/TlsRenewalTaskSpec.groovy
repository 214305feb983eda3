package dev.entente.heartbeat.tls

import spock.lang.Specification

import java.time.Duration
import java.time.Instant

/** The renewal task's retry policy: a failure backs off, doubling, capped; a success resets it. */
class TlsRenewalTaskSpec extends Specification {
    static final Instant T0 = Instant.parse('2026-01-01T00:00:00Z')

    def "backoff after #failures failures is #expected"() {
        expect:
        TlsRenewalTask.backoff(Duration.ofSeconds(30), failures) == expected

        where:
        failures || expected
        1        || Duration.ofSeconds(30)
        2        || Duration.ofMinutes(1)
        3        || Duration.ofMinutes(2)
        7        || Duration.ofMinutes(32)
        8        || TlsRenewalTask.MAX_BACKOFF
        40       || TlsRenewalTask.MAX_BACKOFF
    }

    def "a failing renewal is tried again only once its backoff passed, and every run in between fails with the cause"() {
        given:
        List<Instant> attempts = []
        boolean broken = true
        def task = new TlsRenewalTask({ Instant now ->
            attempts << now
            if (broken) {
                throw new IllegalStateException('outer', new java.sql.SQLException('disk full'))
            }
        } as TlsRenewer, Duration.ofSeconds(10))

        when: 'runs every 10 seconds for a minute'
        List<String> errors = (0..6).collect { i ->
            try {
                task.run(T0.plusSeconds(10 * i))
                null
            } catch (TlsRenewalFailure e) {
                e.message
            }
        }

        then: 'tries at 0, 10 (after 10s), 30 (after 20s); waits 40s from there'
        attempts == [T0, T0.plusSeconds(10), T0.plusSeconds(30)]
        errors.every { it != null && it.startsWith('disk full (') }
        errors[0] == 'disk full (1 attempt in a row; next at ' + T0.plusSeconds(10) + ')'
        errors[6] == 'disk full (3 attempts in a row; next at ' + T0.plusSeconds(70) + ')'

        when: 'the cause is gone'
        broken = false
        task.run(T0.plusSeconds(70))
        task.run(T0.plusSeconds(80))

        then: 'it succeeds and checks every run again'
        attempts.takeRight(2) == [T0.plusSeconds(70), T0.plusSeconds(80)]
    }
}
