package dev.entente.federation.heartbeat

import spock.lang.Specification

import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.time.ZoneOffset

/**
 * This hub's clock against its peers', from the clocks their heartbeat answers carry: the
 * median, round-trip bounds, peers with too few answers left out, stale answers forgotten.
 */
class PeerClocksSpec extends Specification {
    static final Instant T0 = Instant.parse('2026-11-28T00:00:00Z')
    long nanos = 0
    Clock ours = Clock.fixed(T0, ZoneOffset.UTC)
    PeerClocks clocks = new PeerClocks(ours, { nanos } as java.util.function.LongSupplier, Duration.ofSeconds(10))

    /** One exchange with {@code peer} taking {@code roundTripMs}, its clock {@code aheadMs} ahead of ours. */
    void answer(UUID peer, String name, long aheadMs, long roundTripMs = 20) {
        def exchange = clocks.start()
        nanos += roundTripMs * 1_000_000
        clocks.answered(peer, name, exchange, T0.plusMillis(roundTripMs.intdiv(2) + aheadMs).toString())
    }

    def "a peer with a single answer is not enough; the second one counts, within half the round trip"() {
        given:
        def b = UUID.randomUUID()

        when:
        answer(b, 'hub-b', -300_000)

        then:
        clocks.offset().isEmpty()

        when:
        answer(b, 'hub-b', -300_000, 40)
        def o = clocks.offset().get()

        then: 'B is 5 minutes behind, so this hub is 5 minutes ahead, and B is the only one to compare with'
        o.offset() == Duration.ofMinutes(5)
        o.uncertainty() == Duration.ofMillis(20)
        o.peers() == 1
        o.onlyPeer() == 'hub-b'
        o.beyond(Duration.ofSeconds(60))
        !o.beyond(Duration.ofMinutes(5))
    }

    def "the median of three peers, and of two the middle nearer to our clock: one odd peer does not make us skewed"() {
        given:
        def (b, c, d) = [UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID()]

        when: 'two peers: one agrees with us, one is 5 minutes ahead'
        2.times { answer(b, 'hub-b', 0); answer(c, 'hub-c', 300_000) }

        then:
        clocks.offset().get().offset().abs() < Duration.ofMillis(1)
        clocks.offset().get().onlyPeer() == null

        when: 'three peers, two of them 5 minutes ahead: this hub is the one behind'
        2.times { answer(d, 'hub-d', 300_000) }

        then:
        clocks.offset().get().offset() == Duration.ofMinutes(-5)
        clocks.offset().get().peers() == 3
    }

    def "a clock that is not RFC 3339 is ignored, and answers older than the window are forgotten"() {
        given:
        def b = UUID.randomUUID()

        when:
        def exchange = clocks.start()
        clocks.answered(b, 'hub-b', exchange, 'yesterday')
        clocks.answered(b, 'hub-b', exchange, null)

        then:
        clocks.offset().isEmpty()

        when:
        2.times { answer(b, 'hub-b', 1000) }

        then:
        clocks.offset().isPresent()

        when:
        nanos += Duration.ofSeconds(11).toNanos()

        then:
        clocks.offset().isEmpty()
    }
}
