package dev.entente.federation.peer

import dev.entente.lifecycle.engine.TransitionResult
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration

import static dev.entente.federation.peer.PeerEvent.*
import static dev.entente.federation.peer.PeerFixture.DIGEST
import static dev.entente.federation.peer.PeerFixture.NOW
import static dev.entente.federation.peer.PeerState.*

/**
 * Every (state, event) pair of the peer lifecycle, applied through PeerLifecycle and the real
 * engine to a real row, with a context that lets every guard pass: allowed pairs reach DESIGN §3's
 * target (one version bump, one audit event), the quiet active heartbeat only writes its columns,
 * a repeat of what already happened is a no-op, everything else is rejected and leaves no trace.
 */
class PeerTransitionsSpec extends Specification {
    static final String MOVES = 'moves'
    static final String NO_OP = 'no-op'
    static final String REJECTED_ = 'rejected'
    static final String QUIET = 'quiet'

    @Shared @AutoCleanup PeerFixture db = new PeerFixture()
    // Pairs the table below exercised; the coverage feature checks they are all states × events.
    @Shared Set<List> exercised = [] as Set

    def "#from + #event: #expected (#to)"() {
        given:
        UUID id = db.peerIn(from)
        exercised << [from, event]

        when:
        def outcome = attempt { send(id, event) }

        then:
        def row = db.row(id)
        def events = db.auditOf(id)
        switch (expected) {
            case MOVES:
                assert outcome instanceof TransitionResult
                assert outcome.changed()
                assert outcome.from() == from && outcome.to() == to && outcome.version() == 1
                assert row.state == to.value() && row.version == 1
                assert events.size() == 1
                assert events[0].type == "peer.${to.value()}"
                assert new JsonSlurper().parseText(events[0].details as String).subMap('from', 'to', 'event') ==
                        [from: from.value(), to: to.value(), event: event.name().toLowerCase()]
                break
            case QUIET:
                // internal and quiet: the effect ran (the heartbeat is recorded), no version bump, no audit
                assert outcome instanceof TransitionResult
                assert outcome.changed() && outcome.from() == from && outcome.to() == to && outcome.version() == 0
                assert row.state == to.value() && row.version == 0 && events.isEmpty()
                assert row.last_heartbeat_at.toInstant() == NOW
                break
            case NO_OP:
                assert outcome instanceof TransitionResult
                assert !outcome.changed() && outcome.from() == from && outcome.to() == from && outcome.version() == 0
                assert row.state == from.value() && row.version == 0 && events.isEmpty()
                break
            case REJECTED_:
                assert outcome instanceof EntenteException
                assert outcome.code() == ErrorCode.TRANSITION_REJECTED
                assert outcome.detail().startsWith("cannot ${event.name().toLowerCase()} ")
                assert outcome.extensions().state == from.value()
                assert row.state == from.value() && row.version == 0 && events.isEmpty()
                break
            default:
                throw new IllegalStateException(expected)
        }

        where:
        from      | event     || expected  | to
        PROPOSED  | ACCEPT    || MOVES     | ACCEPTED
        PROPOSED  | ENROLL    || REJECTED_ | PROPOSED
        PROPOSED  | HEARTBEAT || REJECTED_ | PROPOSED
        PROPOSED  | STALE     || REJECTED_ | PROPOSED
        PROPOSED  | SUSPEND   || REJECTED_ | PROPOSED
        PROPOSED  | RESUME    || REJECTED_ | PROPOSED
        PROPOSED  | REVOKE    || MOVES     | REVOKED
        // the engine would call a repeated ACCEPT a no-op; PeerLifecycle.accept refuses it: tokens are single-use
        ACCEPTED  | ACCEPT    || REJECTED_ | ACCEPTED
        ACCEPTED  | ENROLL    || MOVES     | ENROLLED
        ACCEPTED  | HEARTBEAT || REJECTED_ | ACCEPTED
        ACCEPTED  | STALE     || REJECTED_ | ACCEPTED
        ACCEPTED  | SUSPEND   || MOVES     | SUSPENDED
        ACCEPTED  | RESUME    || REJECTED_ | ACCEPTED
        ACCEPTED  | REVOKE    || MOVES     | REVOKED
        ENROLLED  | ACCEPT    || REJECTED_ | ENROLLED
        ENROLLED  | ENROLL    || NO_OP     | ENROLLED
        ENROLLED  | HEARTBEAT || MOVES     | ACTIVE
        ENROLLED  | STALE     || REJECTED_ | ENROLLED
        ENROLLED  | SUSPEND   || MOVES     | SUSPENDED
        ENROLLED  | RESUME    || NO_OP     | ENROLLED
        ENROLLED  | REVOKE    || MOVES     | REVOKED
        ACTIVE    | ACCEPT    || REJECTED_ | ACTIVE
        ACTIVE    | ENROLL    || REJECTED_ | ACTIVE
        ACTIVE    | HEARTBEAT || QUIET     | ACTIVE     // internal and quiet: heartbeat columns only, no version bump, no audit
        ACTIVE    | STALE     || MOVES     | DEGRADED
        ACTIVE    | SUSPEND   || MOVES     | SUSPENDED
        ACTIVE    | RESUME    || REJECTED_ | ACTIVE
        ACTIVE    | REVOKE    || MOVES     | REVOKED
        DEGRADED  | ACCEPT    || REJECTED_ | DEGRADED
        DEGRADED  | ENROLL    || REJECTED_ | DEGRADED
        DEGRADED  | HEARTBEAT || MOVES     | ACTIVE
        DEGRADED  | STALE     || NO_OP     | DEGRADED
        DEGRADED  | SUSPEND   || MOVES     | SUSPENDED
        DEGRADED  | RESUME    || REJECTED_ | DEGRADED
        DEGRADED  | REVOKE    || MOVES     | REVOKED
        SUSPENDED | ACCEPT    || REJECTED_ | SUSPENDED
        SUSPENDED | ENROLL    || REJECTED_ | SUSPENDED
        SUSPENDED | HEARTBEAT || REJECTED_ | SUSPENDED
        SUSPENDED | STALE     || REJECTED_ | SUSPENDED
        SUSPENDED | SUSPEND   || NO_OP     | SUSPENDED
        SUSPENDED | RESUME    || MOVES     | ENROLLED
        SUSPENDED | REVOKE    || MOVES     | REVOKED
        REVOKED   | ACCEPT    || REJECTED_ | REVOKED
        REVOKED   | ENROLL    || REJECTED_ | REVOKED
        REVOKED   | HEARTBEAT || REJECTED_ | REVOKED
        REVOKED   | STALE     || REJECTED_ | REVOKED
        REVOKED   | SUSPEND   || REJECTED_ | REVOKED
        REVOKED   | RESUME    || REJECTED_ | REVOKED
        REVOKED   | REVOKE    || NO_OP     | REVOKED
    }

    // Spock runs features in declaration order, so the table above has run by now. Run on its
    // own (an IDE running just this feature) it fails: run the whole spec.
    def "the table above covers every state × event pair exactly once"() {
        expect:
        exercised == [PeerState.values().toList(), PeerEvent.values().toList()].combinations() as Set
        exercised.size() == PeerState.values().length * PeerEvent.values().length
    }

    def "the transition table is DESIGN §3's, with its named guards"() {
        given:
        def table = PeerTransitions.TABLE.collect {
            [it.from(), it.event(), it.to(), it.internal(), it.quiet(), it.guardOptional().map { g -> g.name() }.orElse(null)]
        } as Set

        expect:
        table == [
                [PROPOSED, ACCEPT, ACCEPTED, false, false, 'token_valid'],
                [ACCEPTED, ENROLL, ENROLLED, false, false, 'both_halves_present'],
                [ENROLLED, HEARTBEAT, ACTIVE, false, false, null],
                [ACTIVE, HEARTBEAT, ACTIVE, true, true, null],
                [ACTIVE, STALE, DEGRADED, false, false, 'heartbeat_overdue'],
                [DEGRADED, HEARTBEAT, ACTIVE, false, false, null],
                [ACCEPTED, SUSPEND, SUSPENDED, false, false, 'reason_given'],
                [ENROLLED, SUSPEND, SUSPENDED, false, false, 'reason_given'],
                [ACTIVE, SUSPEND, SUSPENDED, false, false, 'reason_given'],
                [DEGRADED, SUSPEND, SUSPENDED, false, false, 'reason_given'],
                [SUSPENDED, RESUME, ENROLLED, false, false, null],
                *[PROPOSED, ACCEPTED, ENROLLED, ACTIVE, DEGRADED, SUSPENDED].collect { [it, REVOKE, REVOKED, false, false, 'reason_given'] },
        ] as Set
        table.size() == PeerTransitions.TABLE.size()
        PeerLifecycle.DEFINITION.isTerminal(REVOKED)
        PeerState.values().findAll { PeerLifecycle.DEFINITION.isTerminal(it) } == [REVOKED]
        PeerLifecycle.DEFINITION.initial() == PROPOSED
    }

    def "the rejection names the state, the event and what is allowed"() {
        given:
        UUID id = db.peerIn(from)

        when:
        send(id, event)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.TRANSITION_REJECTED
        e.detail() == message
        e.extensions() == [entity: 'peer', id: id.toString(), state: from.value(),
                           event: event.name().toLowerCase(), allowed_events: allowed]

        where:
        from      | event     || message                                                                                  | allowed
        REVOKED   | RESUME    || 'cannot resume a revoked peer; allowed from revoked: none'                               | []
        SUSPENDED | HEARTBEAT || 'cannot heartbeat a suspended peer; allowed from suspended: resume, revoke'             | ['resume', 'revoke']
        ACCEPTED  | ACCEPT    || 'cannot accept an accepted peer; acceptance tokens are single-use; allowed from accepted: enroll, suspend, revoke' | ['enroll', 'suspend', 'revoke']
        PROPOSED  | HEARTBEAT || 'cannot heartbeat a proposed peer; allowed from proposed: accept, revoke'               | ['accept', 'revoke']
    }

    def "states are stored as lower_snake values and read back"() {
        expect:
        PeerState.values().every { PeerState.fromValue(it.value()) == it && it.value() == it.name().toLowerCase() }
    }

    private TransitionResult<PeerState> send(UUID id, PeerEvent event) {
        switch (event) {
            case ACCEPT: return db.peers.accept(id, DIGEST, NOW)
            case ENROLL: return db.peers.enroll(id, '0a1b2c', NOW + Duration.ofDays(7), 'sha256:ca01',
                    '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n', 'node-key-1')
            case HEARTBEAT: return db.peers.recordHeartbeat(id, NOW, 12L, 1, 'standby', ['sha256:aa'])
            case STALE: return db.peers.markStale(id, NOW)
            case SUSPEND: return db.peers.suspend(id, 'alice', 'maintenance window')
            case RESUME: return db.peers.resume(id, 'alice')
            case REVOKE: return db.peers.revoke(id, 'alice', 'contract ended')
        }
        throw new IllegalArgumentException(event.name())
    }

    private static Object attempt(Closure<?> work) {
        try {
            return work()
        } catch (EntenteException e) {
            return e
        }
    }
}
