package dev.entente.federation.heartbeat

import spock.lang.Specification

import java.time.Instant
import java.time.format.DateTimeParseException

/**
 * The hand-read peer clock (issue 15, the inbound heartbeat's cost) answers exactly as
 * {@code Instant.parse}: the same instant, or the same refusal.
 */
class PeerClockSpec extends Specification {

    def "'#value' reads as Instant.parse reads it"() {
        expect:
        outcome { PeerClock.parse(value) } == outcome { Instant.parse(value) }

        where:
        value << [
                '2026-11-28T16:02:04Z',
                '2026-11-28T16:02:04.1Z',
                '2026-11-28T16:02:04.123Z',
                '2026-11-28T16:02:04.123456Z',
                '2026-11-28T16:02:04.123456789Z',
                '2026-11-28T16:02:04.1234567891Z',
                '2026-11-28T16:02:04.Z',
                '2024-02-29T23:59:59.999999999Z',
                '2026-02-29T00:00:00Z',
                '2026-04-31T00:00:00Z',
                '2026-13-01T00:00:00Z',
                '2026-00-01T00:00:00Z',
                '2026-11-00T00:00:00Z',
                '2026-11-28T24:00:00Z',
                '2026-11-28T23:60:00Z',
                '2016-12-31T23:59:60Z',
                '0000-01-01T00:00:00Z',
                '1969-12-31T23:59:59.5Z',
                '+12026-11-28T16:02:04Z',
                '2026-11-28T16:02:04+01:00',
                '2026-11-28T16:02:04.5+00:00',
                '2026-11-28t16:02:04Z',
                '2026-11-28T16:02:04z',
                '2026-11-28 16:02:04Z',
                '2026-11-28T16:02Z',
                '2026-1a-28T16:02:04Z',
                '２026-11-28T16:02:04Z',
                '2026-11-28T16:02:04.12a4Z',
                '',
                'yesterday',
        ]
    }

    /** The instant, or the refusal's type: what a caller can tell apart. */
    private static Object outcome(Closure<Instant> read) {
        try {
            return read()
        } catch (DateTimeParseException e) {
            return DateTimeParseException
        }
    }
}
