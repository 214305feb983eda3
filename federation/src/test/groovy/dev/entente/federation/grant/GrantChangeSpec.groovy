package dev.entente.federation.grant

import dev.entente.federation.peer.PeerState
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration
import java.time.Instant

import static dev.entente.federation.grant.GrantFixture.NOW
import static dev.entente.federation.grant.Permission.READ
import static dev.entente.federation.grant.Permission.WRITE

/**
 * Issue 18: a grant changes while it runs. An update changes only what it names and keeps the id
 * and token; the authorizer judges the next call by the new scope; a renewal gives a new term from
 * now; the worker's renewDue extends auto-renewing grants of active peers at two thirds of their
 * term, up to their maximum lifetime, and leaves everything else to lapse.
 */
class GrantChangeSpec extends Specification {
    @Shared @AutoCleanup GrantFixture db = new GrantFixture()

    def "updating #field to #after changes it alone; the id and token stay"() {
        given:
        IssuedGrant issued = db.issue(scopes: [READ] as Set, instances: ['i-1'], networks: ['n-1'], cidrs: ['10.0.0.0/8'])
        UUID id = issued.grant().id()

        when:
        db.grants.update(id, change, 'alice')
        Grant g = db.repository.find(id).orElseThrow()

        then:
        g.id() == id
        g.version() == 1
        db.authorizer.authenticate(issued.bearerToken(), g.peerId()).id() == id
        [scopes: g.permissionScopes(), instances: g.instanceIds(), networks: g.networkIds(), cidrs: g.sourceCidrs()] ==
                [scopes: [READ] as Set, instances: ['i-1'], networks: ['n-1'], cidrs: ['10.0.0.0/8']] + [(field): after]
        g.expiresAt() == issued.grant().expiresAt()

        where:
        field       | change                                                                        || after
        'scopes'    | new GrantChange([READ, WRITE] as Set, null, null, null, null, null, null)    || [READ, WRITE] as Set
        'instances' | new GrantChange(null, ['i-2', 'i-2', 'i-3'], null, null, null, null, null)   || ['i-2', 'i-3']
        'instances' | new GrantChange(null, [], null, null, null, null, null)                      || []
        'networks'  | new GrantChange(null, null, ['n-2'], null, null, null, null)                 || ['n-2']
        'cidrs'     | new GrantChange(null, null, null, ['192.168.1.7', '2001:db8::/32'], null, null, null) || ['192.168.1.7/32', '2001:db8::/32']
    }

    def "the next call is judged by the updated scope: i-1 allowed before, refused after; i-2 the other way round"() {
        given:
        IssuedGrant issued = db.issue(instances: ['i-1'])
        UUID peer = issued.grant().peerId()

        expect:
        db.authorizer.authorize(issued.bearerToken(), peer, call('i-1')).applies()
        !db.authorizer.authorize(issued.bearerToken(), peer, call('i-2')).applies()

        when:
        db.grants.update(issued.grant().id(), new GrantChange(null, ['i-2'], null, null, null, null, null), 'alice')

        then:
        !db.authorizer.authorize(issued.bearerToken(), peer, call('i-1')).applies()
        db.authorizer.authorize(issued.bearerToken(), peer, call('i-2')).applies()
    }

    def "an update is audited as grant.active, event update, with the fields it changed"() {
        given:
        UUID id = db.issue().grant().id()

        when:
        db.grants.update(id, new GrantChange(null, ['i-2'], null, null, Duration.ofDays(3), null, null), 'alice')
        def event = db.auditOf(id.toString()).last()

        then:
        event.type == 'grant.active'
        event.actor == 'alice'
        new JsonSlurper().parseText(event.details as String) == [instance_ids: ['i-2'], expires_at: (NOW + Duration.ofDays(3)).toString(),
                                                                 from: 'active', to: 'active', event: 'update']
        db.row(id).expires_at.toInstant() == NOW + Duration.ofDays(3)
        db.row(id).term_started_at.toInstant() == NOW
    }

    def "a bad update is refused with invalid_request: #detail"() {
        when:
        make()

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.INVALID_REQUEST
        e.detail().contains(detail)

        where:
        detail                                || make
        'nothing to update'                   || { -> new GrantChange(null, null, null, null, null, null, null) }
        'scopes must not be empty'            || { -> new GrantChange([] as Set, null, null, null, null, null, null) }
        "instance id 'a b' is invalid"        || { -> new GrantChange(null, ['a b'], null, null, null, null, null) }
        'it cannot go with --auto-renew false' || { -> new GrantChange(null, null, null, null, null, false, Duration.ofDays(9)) }
    }

    def "turning auto-renewal on bounds it: #given gives max_expires_at #max"() {
        given:
        UUID id = db.issue().grant().id()

        when:
        db.grants.update(id, new GrantChange(null, null, null, null, null, true, given), 'alice')

        then:
        db.row(id).auto_renew
        db.row(id).max_expires_at.toInstant() == max

        where:
        given               || max
        null                || NOW + GrantRepository.DEFAULT_AUTO_LIFETIME
        Duration.ofDays(90) || NOW + Duration.ofDays(90)
    }

    def "a maximum lifetime that ends before the expiry is refused, and nothing changes"() {
        given:
        UUID id = db.issue(expiresAt: NOW + Duration.ofDays(30)).grant().id()

        when:
        db.grants.update(id, new GrantChange(null, ['i-9'], null, null, null, true, Duration.ofDays(7)), 'alice')

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.INVALID_REQUEST
        e.detail().contains('before the grant\'s expiry')
        db.row(id).version == 0
        db.row(id).instance_ids.array as List == []
    }

    def "renew gives a new term from now, counts it, and is refused past the maximum lifetime"() {
        given:
        UUID id = db.grantIn(GrantState.ACTIVE, [expires_at: NOW + Duration.ofHours(1), auto_renew: true,
                                                 max_expires_at: NOW + Duration.ofDays(10)])

        when:
        db.grants.renew(id, Duration.ofDays(5), 'alice')

        then:
        db.row(id).expires_at.toInstant() == NOW + Duration.ofDays(5)
        db.row(id).renewed_count == 1
        db.row(id).term_started_at.toInstant() == NOW

        when:
        db.grants.renew(id, Duration.ofDays(11), 'alice')

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.INVALID_REQUEST
        e.detail().contains('--max-lifetime')
        db.row(id).expires_at.toInstant() == NOW + Duration.ofDays(5)
    }

    def "an active grant past its expiry cannot be updated: the before_expiry guard says to issue a new one"() {
        given:
        UUID id = db.grantIn(GrantState.ACTIVE)

        when:
        db.grants.renew(id, Duration.ofDays(1), 'alice')

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.TRANSITION_REJECTED
        e.detail().contains('issue a new grant')
    }

    def "renewDue: #grant"() {
        given:
        UUID peer = db.peer(peerState)
        Instant started = NOW - Duration.ofHours(elapsedHours)
        UUID id = db.grantIn(GrantState.ACTIVE, [peer_id: peer, auto_renew: auto, term_started_at: started,
                                                 expires_at: started + Duration.ofHours(9),
                                                 max_expires_at: auto ? NOW + Duration.ofHours(maxHours) : null])
        Instant before = db.row(id).expires_at.toInstant()

        when:
        List<UUID> renewed = db.grants.renewDue(NOW)

        then:
        (id in renewed) == (expires != null)
        db.row(id).expires_at.toInstant() == (expires == null ? before : NOW + Duration.ofHours(expires))
        db.row(id).renewed_count == (expires == null ? 0 : 1)

        where:
        grant                                           | peerState          | auto  | elapsedHours | maxHours || expires
        'two thirds of its term passed: a new term'     | PeerState.ACTIVE    | true  | 6            | 100      || 9
        'not yet two thirds: untouched'                 | PeerState.ACTIVE    | true  | 5            | 100      || null
        'capped at its maximum lifetime'                | PeerState.ACTIVE    | true  | 7            | 5        || 5
        'at its maximum already: left to lapse'         | PeerState.ACTIVE    | true  | 7            | 2        || null
        'not auto-renewing: left to lapse'              | PeerState.ACTIVE    | false | 8            | 0        || null
        'of a suspended peer: left to lapse'            | PeerState.SUSPENDED | true  | 8            | 100      || null
        'of a degraded peer: left to lapse'             | PeerState.DEGRADED  | true  | 8            | 100      || null
        'past its expiry: the expiry job has it'        | PeerState.ACTIVE    | true  | 10           | 100      || null
    }

    def "renewDue is one grant.renewed event per batch, by system:grant_renewal, and a second run renews nothing"() {
        given:
        db.sql.execute("UPDATE grants SET state = 'revoked' WHERE state = 'active'")
        List<UUID> ids = (1..3).collect {
            db.grantIn(GrantState.ACTIVE, [auto_renew: true, term_started_at: NOW - Duration.ofHours(7),
                                          expires_at: NOW + Duration.ofHours(2), max_expires_at: NOW + Duration.ofDays(1)])
        }

        when:
        List<UUID> renewed = db.grants.renewDue(NOW, 2)
        def events = db.auditOf('grants').findAll {
            it.type == 'grant.renewed' && new JsonSlurper().parseText(it.details as String).ids.any { id -> id in ids*.toString() }
        }

        then:
        renewed as Set == ids as Set
        events.size() == 2
        events*.actor.unique() == ['system:grant_renewal']
        events.collect { new JsonSlurper().parseText(it.details as String).count }.sum() == 3
        db.grants.renewDue(NOW).isEmpty()
        db.auditChainVerifies()
    }

    private static AccessRequest call(String instance) {
        new AccessRequest(READ, instance, null, null, NOW)
    }
}
