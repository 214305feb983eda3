package dev.entente.federation.heartbeat

import dev.entente.federation.peer.Peer
import dev.entente.federation.peer.PeerState
import spock.lang.Specification

import java.time.Duration
import java.time.Instant

/**
 * Issue 15: shortly after a start the hub's rounds skip the peers that have heartbeated it since,
 * for a window that keeps the gap each peer sees in our heartbeats within half its stale-after.
 */
class RestartPacingSpec extends Specification {
    static final Instant START = Instant.parse('2026-11-28T12:00:00Z')
    static final Duration INTERVAL = Duration.ofSeconds(30)
    static final Duration STALE_AFTER = Duration.ofMinutes(5)

    def "at the defaults and a 15 s restart, rounds in the first 75 s skip the peers heard from since the start"() {
        given:
        def pacing = new RestartPacing(START, START.minusSeconds(15), INTERVAL, STALE_AFTER)
        def back = peer(START.plusSeconds(3))
        def silent = peer(START.minusSeconds(20))
        def never = peer(null)

        expect: 'stale-after / 2 − 2 × interval − downtime = 150 − 60 − 15 s'
        pacing.deferUntil() == START.plusSeconds(75)

        and: 'inside the window: only the peers not heard from since the start, in their order'
        pacing.due([silent, back, never], START.plusSeconds(20)) == [silent, never]
        pacing.due([silent, back, never], START.plusSeconds(74)) == [silent, never]

        and: 'from its end on: everyone'
        pacing.due([silent, back, never], START.plusSeconds(75)) == [silent, back, never]
    }

    def "a peer heard from since the start that is not active is never deferred"() {
        given:
        def pacing = new RestartPacing(START, START.minusSeconds(15), INTERVAL, STALE_AFTER)
        def enrolled = peer(START.plusSeconds(3), PeerState.ENROLLED)
        def degraded = peer(START.plusSeconds(3), PeerState.DEGRADED)

        expect: 'an enrolled peer may be waiting for step 3, which our heartbeat repeats'
        pacing.due([enrolled, degraded], START.plusSeconds(20)) == [enrolled, degraded]
    }

    def "the gap a deferred peer sees stays within half its stale-after"() {
        given: 'the worst case: its last heartbeat from us an interval before we last heard any peer'
        Instant lastHeard = START.minusSeconds(downtime)
        def pacing = new RestartPacing(START, lastHeard, INTERVAL, STALE_AFTER)
        Instant peerLastGotOurs = lastHeard.minus(INTERVAL)
        Instant nextRoundAfterWindow = pacing.deferUntil().plus(INTERVAL)

        expect:
        Duration.between(peerLastGotOurs, nextRoundAfterWindow) <= STALE_AFTER.dividedBy(2)

        where:
        downtime << [0, 15, 60, 89, 90]
    }

    def "nothing is deferred after a long downtime, with a short stale-after, or when no peer was ever heard"() {
        expect:
        new RestartPacing(START, START.minusSeconds(91), INTERVAL, STALE_AFTER).deferUntil() == START
        new RestartPacing(START, START, Duration.ofSeconds(1), Duration.ofSeconds(5)).deferUntil() == START.plusMillis(500)
        new RestartPacing(START, START.minusSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(3)).deferUntil() == START
        new RestartPacing(START, null, INTERVAL, STALE_AFTER).deferUntil() == START

        and: 'every peer is due at the start itself when nothing is deferred'
        def back = peer(START.plusSeconds(1))
        new RestartPacing(START, null, INTERVAL, STALE_AFTER).due([back], START.plusSeconds(1)) == [back]
    }

    private static Peer peer(Instant lastHeartbeatAt, PeerState state = PeerState.ACTIVE) {
        new Peer(UUID.randomUUID(), 'peer-1', 'hub_0123abcd', 'https://b.example:8443', state, 1, null, null, null,
                ['aa'], lastHeartbeatAt, null, null, null, null, null, null, 0, 0, 0, null, null, null, null,
                null, null, START, START, START)
    }
}
