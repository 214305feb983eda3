package dev.entente.federation.heartbeat

import dev.entente.federation.peer.Peer
import dev.entente.federation.peer.PeerState
import spock.lang.Specification

import java.time.Duration
import java.time.Instant
import java.util.function.LongSupplier

/**
 * Issue 15: shortly after a start the hub's rounds skip the peers that have heartbeated it since,
 * for a window that keeps the gap each peer sees in our heartbeats within half its stale-after.
 * The window runs on a monotonic clock: a wall clock stepped back or moved by hand cannot stretch it.
 */
class RestartPacingSpec extends Specification {
    static final Instant START = Instant.parse('2026-11-28T12:00:00Z')
    static final Duration INTERVAL = Duration.ofSeconds(30)
    static final Duration STALE_AFTER = Duration.ofMinutes(5)

    long nanos = 1_000_000_000L
    LongSupplier monotonic = { nanos } as LongSupplier

    def "at the defaults and a 15 s restart, rounds in the first 75 s skip the peers heard from since the start"() {
        given:
        def pacing = new RestartPacing(START, START.minusSeconds(15), INTERVAL, STALE_AFTER, monotonic)
        def back = peer(START.plusSeconds(3))
        def silent = peer(START.minusSeconds(20))
        def never = peer(null)

        expect: 'stale-after / 2 − 2 × interval − downtime = 150 − 60 − 15 s'
        pacing.window() == Duration.ofSeconds(75)

        when: 'inside the window'
        elapse(20)

        then: 'only the peers not heard from since the start, in their order'
        pacing.due([silent, back, never]) == [silent, never]

        when:
        elapse(54)

        then:
        pacing.due([silent, back, never]) == [silent, never]

        when: 'from its end on'
        elapse(1)

        then: 'everyone'
        pacing.due([silent, back, never]) == [silent, back, never]
    }

    def "a peer heard from since the start that is not active is never deferred"() {
        given:
        def pacing = new RestartPacing(START, START.minusSeconds(15), INTERVAL, STALE_AFTER, monotonic)
        def enrolled = peer(START.plusSeconds(3), PeerState.ENROLLED)
        def degraded = peer(START.plusSeconds(3), PeerState.DEGRADED)
        elapse(20)

        expect: 'an enrolled peer may be waiting for step 3, which our heartbeat repeats'
        pacing.due([enrolled, degraded]) == [enrolled, degraded]
    }

    def "the window ends by the monotonic clock whatever the wall clock does"() {
        given: 'the hub clock was moved 8 days ahead before the start, and peers were heard since'
        Instant start = START.plus(Duration.ofDays(8))
        def pacing = new RestartPacing(start, start.minusSeconds(15), INTERVAL, STALE_AFTER, monotonic)
        def back = peer(start.plusSeconds(3))

        when: 'the window has passed on the monotonic clock'
        elapse(75)

        then: 'no peer is held back, however the wall clock compares with the start'
        pacing.due([back]) == [back]
    }

    def "the gap a deferred peer sees stays within half its stale-after"() {
        given: 'the worst case: its last heartbeat from us an interval before we last heard any peer'
        Instant lastHeard = START.minusSeconds(downtime)
        def pacing = new RestartPacing(START, lastHeard, INTERVAL, STALE_AFTER, monotonic)
        Instant peerLastGotOurs = lastHeard.minus(INTERVAL)
        Instant nextRoundAfterWindow = START.plus(pacing.window()).plus(INTERVAL)

        expect:
        Duration.between(peerLastGotOurs, nextRoundAfterWindow) <= STALE_AFTER.dividedBy(2)

        where:
        downtime << [0, 15, 60, 89, 90]
    }

    def "nothing is deferred after a long downtime, with a short stale-after, or when no peer was ever heard"() {
        expect:
        new RestartPacing(START, lastHeard, interval, staleAfter, monotonic).window() == window

        where:
        lastHeard              | interval              | staleAfter            || window
        START.minusSeconds(91) | INTERVAL              | STALE_AFTER           || Duration.ZERO
        START                  | Duration.ofSeconds(1) | Duration.ofSeconds(5) || Duration.ofMillis(500)
        START.minusSeconds(1)  | Duration.ofSeconds(1) | Duration.ofSeconds(3) || Duration.ZERO
        null                   | INTERVAL              | STALE_AFTER           || Duration.ZERO
        START.plusSeconds(10)  | INTERVAL              | STALE_AFTER           || Duration.ZERO
    }

    def "every peer is due at the start itself when nothing is deferred"() {
        given:
        def back = peer(START.plusSeconds(1))

        expect:
        new RestartPacing(START, null, INTERVAL, STALE_AFTER, monotonic).due([back]) == [back]
    }

    private void elapse(long seconds) {
        nanos += Duration.ofSeconds(seconds).toNanos()
    }

    private static Peer peer(Instant lastHeartbeatAt, PeerState state = PeerState.ACTIVE) {
        new Peer(UUID.randomUUID(), 'peer-1', 'hub_0123abcd', 'https://b.example:8443', state, 1, null, null, null,
                ['aa'], lastHeartbeatAt, null, null, null, null, null, null, 0, 0, 0, null, null, null, null,
                null, null, START, START, START)
    }
}
