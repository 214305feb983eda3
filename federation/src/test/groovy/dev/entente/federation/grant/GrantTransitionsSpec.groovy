package dev.entente.federation.grant

import dev.entente.lifecycle.engine.TransitionResult
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration

import static dev.entente.federation.grant.GrantEvent.*
import static dev.entente.federation.grant.GrantFixture.NOW
import static dev.entente.federation.grant.GrantState.*

/**
 * Every (state, event) pair of the grant lifecycle, applied through GrantLifecycle and the real
 * engine to a real row whose expires_at has passed (so the expiry guard passes): allowed pairs
 * reach DESIGN §3's target (one version bump, one audit event, state_since stamped), a repeat of
 * what already happened is a no-op, everything else is rejected and leaves no trace.
 */
class GrantTransitionsSpec extends Specification {
    static final String MOVES = 'moves'
    static final String NO_OP = 'no-op'
    static final String REJECTED_ = 'rejected'
    static final String STAYS = 'stays'

    @Shared @AutoCleanup GrantFixture db = new GrantFixture()
    // Pairs the table below exercised; the coverage feature checks they are all states × events.
    @Shared Set<List> exercised = [] as Set

    def "#from + #event: #expected (#to)"() {
        given:
        // An update or renewal needs a grant before its expiry; expiring one needs it past.
        UUID id = db.grantIn(from, [state_since: NOW - Duration.ofDays(2),
                                    expires_at : event in [UPDATE, RENEW] ? NOW + Duration.ofDays(1) : null])
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
                assert row.state_since.toInstant() == NOW
                assert events.size() == 1
                assert events[0].type == "grant.${to.value()}"
                assert new JsonSlurper().parseText(events[0].details as String).subMap('from', 'to', 'event') ==
                        [from: from.value(), to: to.value(), event: event.name().toLowerCase()]
                break
            case STAYS:
                assert outcome instanceof TransitionResult
                assert outcome.changed() && outcome.from() == from && outcome.to() == from && outcome.version() == 1
                assert row.state == from.value() && row.version == 1
                assert row.state_since.toInstant() == NOW - Duration.ofDays(2)
                assert events.size() == 1
                assert events[0].type == 'grant.active'
                assert new JsonSlurper().parseText(events[0].details as String).subMap('from', 'to', 'event') ==
                        [from: from.value(), to: from.value(), event: event.name().toLowerCase()]
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
        from    | event  || expected  | to
        ACTIVE  | EXPIRE || MOVES     | EXPIRED
        ACTIVE  | REVOKE || MOVES     | REVOKED
        ACTIVE  | UPDATE || STAYS     | ACTIVE
        ACTIVE  | RENEW  || STAYS     | ACTIVE
        EXPIRED | EXPIRE || NO_OP     | EXPIRED
        EXPIRED | REVOKE || REJECTED_ | EXPIRED
        EXPIRED | UPDATE || REJECTED_ | EXPIRED
        EXPIRED | RENEW  || REJECTED_ | EXPIRED
        REVOKED | EXPIRE || REJECTED_ | REVOKED
        REVOKED | REVOKE || NO_OP     | REVOKED
        REVOKED | UPDATE || REJECTED_ | REVOKED
        REVOKED | RENEW  || REJECTED_ | REVOKED
    }

    // Spock runs features in declaration order, so the table above has run by now. Run on its
    // own (an IDE running just this feature) it fails: run the whole spec.
    def "the table above covers every state × event pair exactly once"() {
        expect:
        exercised == [GrantState.values().toList(), GrantEvent.values().toList()].combinations() as Set
        exercised.size() == GrantState.values().length * GrantEvent.values().length
    }

    def "the transition table is DESIGN §3's, with its named guard; expired and revoked are terminal"() {
        given:
        def table = GrantTransitions.TABLE.collect {
            [it.from(), it.event(), it.to(), it.internal(), it.quiet(), it.guardOptional().map { g -> g.name() }.orElse(null)]
        } as Set

        expect:
        table == [
                [ACTIVE, EXPIRE, EXPIRED, false, false, 'expiry_reached'],
                [ACTIVE, REVOKE, REVOKED, false, false, null],
                [ACTIVE, UPDATE, ACTIVE, true, false, 'before_expiry'],
                [ACTIVE, RENEW, ACTIVE, true, false, 'before_expiry'],
        ] as Set
        table.size() == GrantTransitions.TABLE.size()
        GrantState.values().findAll { GrantLifecycle.DEFINITION.isTerminal(it) } == [EXPIRED, REVOKED]
        GrantLifecycle.DEFINITION.initial() == ACTIVE
        GrantLifecycle.DEFINITION.table().table() == 'grants'
    }

    def "the rejection names the state, the event and what is allowed"() {
        given:
        UUID id = db.grantIn(from)

        when:
        send(id, event)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.TRANSITION_REJECTED
        e.detail() == message
        e.extensions() == [entity: 'grant', id: id.toString(), state: from.value(),
                           event: event.name().toLowerCase(), allowed_events: allowed]

        where:
        from    | event  || message                                                      | allowed
        EXPIRED | REVOKE || 'cannot revoke an expired grant; allowed from expired: none' | []
        REVOKED | EXPIRE || 'cannot expire a revoked grant; allowed from revoked: none'  | []
        REVOKED | UPDATE || 'cannot update a revoked grant; allowed from revoked: none'  | []
        EXPIRED | RENEW  || 'cannot renew an expired grant; allowed from expired: none'  | []
    }

    def "expiring before expires_at is refused by the expiry_reached guard, at the exact boundary too"() {
        given:
        UUID id = db.grantIn(ACTIVE, [expires_at: NOW + Duration.ofMinutes(5)])

        when:
        db.grants.expire(id, NOW + Duration.ofMinutes(5) - Duration.ofNanos(1000))

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.GRANT_NOT_EXPIRED
        e.code().status() == 409
        e.detail().contains('stays active until then')
        db.row(id).state == 'active' && db.row(id).version == 0
        db.auditOf(id).isEmpty()

        when: 'exactly at expires_at: now >= expires_at is expired'
        def result = db.grants.expire(id, NOW + Duration.ofMinutes(5))

        then:
        result.changed() && result.to() == EXPIRED
    }

    def "revoke records the reason on the grant and in the audit event; without a reason it records none"() {
        given:
        UUID withReason = db.grantIn(ACTIVE)
        UUID without = db.grantIn(ACTIVE)

        when:
        db.grants.revoke(withReason, 'alice', 'key leaked in a ticket')
        db.grants.revoke(without, 'bob', null)

        then:
        db.row(withReason).revoked_reason == 'key leaked in a ticket'
        new JsonSlurper().parseText(db.auditOf(withReason)[0].details as String).reason == 'key leaked in a ticket'
        db.auditOf(withReason)[0].actor == 'alice'
        db.row(without).revoked_reason == null
        db.auditOf(without)[0].actor == 'bob'
        db.auditChainVerifies()
    }

    def "states are stored as lower_snake values and read back"() {
        expect:
        GrantState.values().every { GrantState.fromValue(it.value()) == it && it.value() == it.name().toLowerCase() }
    }

    private TransitionResult<GrantState> send(UUID id, GrantEvent event) {
        switch (event) {
            case EXPIRE: return db.grants.expire(id, NOW)
            case REVOKE: return db.grants.revoke(id, 'alice', 'no longer needed')
            case UPDATE: return db.grants.update(id, new GrantChange(null, ['i-2'], null, null, null, null, null), 'alice')
            case RENEW: return db.grants.renew(id, Duration.ofDays(2), 'alice')
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
