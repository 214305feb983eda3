package dev.entente.federation.peer

import dev.entente.lifecycle.error.EntenteException
import spock.lang.Specification

import java.time.Duration

class DurationsSpec extends Specification {

    def "'#text' reads as #expected"() {
        expect:
        Durations.parse('ttl', text, Duration.ofDays(365)) == expected

        where:
        text       || expected
        '500ms'    || Duration.ofMillis(500)
        '30s'      || Duration.ofSeconds(30)
        '5m'       || Duration.ofMinutes(5)
        '24h'      || Duration.ofHours(24)
        '7d'       || Duration.ofDays(7)
        '1h30m'    || Duration.ofMinutes(90)
        '2d12h'    || Duration.ofHours(60)
        '1m30s'    || Duration.ofSeconds(90)
        '1s500ms'  || Duration.ofMillis(1500)
        ' 1h30m '  || Duration.ofMinutes(90)
        '007m'     || Duration.ofMinutes(7)
        '365d'     || Duration.ofDays(365)
        '364d24h'  || Duration.ofDays(365)
    }

    def "what describe prints reads back as the same duration: #d"() {
        expect:
        Durations.parse('ttl', Durations.describe(d), Durations.MAX) == d

        where:
        d << [Duration.ofSeconds(5400), Duration.ofSeconds(93_784), Duration.ofDays(3), Duration.ofMillis(250),
              Duration.ofSeconds(61)]
    }

    def "'#text' is refused: #why"() {
        when:
        Durations.parse('ttl', text, Duration.ofDays(365))

        then:
        EntenteException e = thrown()
        e.code().code() == 'invalid_request'
        e.detail().contains(message)
        e.extensions().field == 'ttl'

        where:
        text                    | why                         || message
        '30m1h'                 | 'units out of order'        || 'is not a duration; write it like 500ms, 30s, 5m, 24h, 7d or 1h30m'
        '1h1h'                  | 'a unit twice'              || 'is not a duration'
        '1h 30m'                | 'a space inside'            || 'is not a duration'
        '1y'                    | 'an unknown unit'           || 'is not a duration'
        ''                      | 'nothing'                   || 'is not a duration'
        '-5m'                   | 'a sign'                    || 'is not a duration'
        '366d'                  | 'over the field maximum'    || "is too long; the maximum is 365d"
        '365d1s'                | 'the sum over the maximum'  || "is too long; the maximum is 365d"
        '999999999999999999d1h' | 'digits past any maximum'   || "is too long; the maximum is 365d"
    }
}
