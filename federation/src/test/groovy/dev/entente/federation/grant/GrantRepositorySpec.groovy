package dev.entente.federation.grant

import com.fasterxml.jackson.databind.ObjectMapper
import dev.entente.federation.peer.PeerState
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.nio.charset.StandardCharsets
import java.security.MessageDigest
import java.sql.SQLException
import java.time.Duration
import java.time.Instant

import static dev.entente.federation.grant.GrantFixture.NOW
import static dev.entente.federation.grant.Permission.READ
import static dev.entente.federation.grant.Permission.WRITE

/** Issuing grants, the one-time bearer token, authentication, validation, reads, revocation with the peer, bulk expiry. */
class GrantRepositorySpec extends Specification {
    @Shared @AutoCleanup GrantFixture db = new GrantFixture()

    def "issue shows the bearer token once and stores only the SHA-256 digest of its secret"() {
        given:
        UUID peer = db.peer()

        when:
        IssuedGrant issued = db.repository.issue(peer, [READ, WRITE] as Set, ['i-1'], ['n-1'], ['10.0.0.0/8'],
                NOW + Duration.ofDays(30), 'alice')
        String token = issued.bearerToken()
        String secret = token.substring(token.indexOf('.') + 1)

        then:
        token ==~ /fg-[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}/
        token.startsWith("fg-${issued.grant().id()}.")
        Base64.urlDecoder.decode(secret).length == 32
        issued.grant().state() == GrantState.ACTIVE
        issued.grant().version() == 0
        issued.grant().peerId() == peer
        issued.grant().issuedBy() == 'alice'

        and: 'the row holds the digest and nothing that contains the token or the secret'
        Map row = db.row(issued.grant().id())
        row.secret_digest as byte[] == MessageDigest.getInstance('SHA-256').digest(secret.getBytes(StandardCharsets.UTF_8))
        row.values().every { v -> !textOf(v).contains(secret) && !textOf(v).contains(token) }
        !(new String(row.secret_digest as byte[], StandardCharsets.ISO_8859_1).contains(secret))

        and: 'reads never carry it either'
        !db.repository.find(issued.grant().id()).get().toString().contains(secret)
        !issued.toString().contains(secret)
        json(issued) == [grant: json(issued.grant()), bearer_token: token]
    }

    def "every issue gets its own id and secret"() {
        when:
        def tokens = (1..5).collect { db.issue().bearerToken() }

        then:
        tokens.toSet().size() == 5
        tokens.collect { it.substring(it.indexOf('.') + 1) }.toSet().size() == 5
    }

    def "issue 12: a grant is born active (the two-person rule holds the request, not the grant)"() {
        expect:
        db.issue().grant().state() == GrantState.ACTIVE
        GrantState.values()*.value() == ['active', 'expired', 'revoked']
    }

    def "the token authenticates its own peer and returns the stored grant"() {
        given:
        UUID peer = db.peer()
        IssuedGrant issued = db.issue(peer: peer)

        expect:
        db.authorizer.authenticate(issued.bearerToken(), peer) == issued.grant()
    }

    def "malformed token '#token' is refused with grant_token_malformed (401) and never echoed"() {
        when:
        db.authorizer.authenticate(token, UUID.randomUUID())

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.GRANT_TOKEN_MALFORMED
        e.code().status() == 401
        token == null || token.length() < 8 || !e.detail().contains(token)

        where:
        token << [null, '', 'fg-', 'garbage',
                  'fg-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab',                                          // no secret
                  'fg-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab.',                                         // empty secret
                  'fg-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab.' + 'A' * 42,                              // secret too short
                  'fg-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab.' + 'A' * 44,                              // too long
                  'fg-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab.' + 'A' * 42 + '=',                        // padding
                  'fg-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab.' + 'A' * 42 + '+',                        // base64, not base64url
                  'fg-8A4F3C1E-1D2B-4C3D-9E8F-0123456789AB.' + 'A' * 43,                              // upper-case uuid
                  'fg-1-1-1-1-1.' + 'A' * 43,                                                         // UUID.fromString would take it
                  'Bearer fg-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab.' + 'A' * 43,
                  ' fg-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab.' + 'A' * 43,
                  'xx-8a4f3c1e-1d2b-4c3d-9e8f-0123456789ab.' + 'A' * 43]
    }

    def "an unknown grant id and a wrong secret get the same grant_unknown answer"() {
        given:
        UUID peer = db.peer()
        IssuedGrant issued = db.issue(peer: peer)
        String id = issued.grant().id()
        String wrongSecret = "fg-${id}.${'B' * 43}"
        String unknownId = "fg-${UUID.randomUUID()}.${issued.bearerToken().substring(issued.bearerToken().indexOf('.') + 1)}"

        when:
        db.authorizer.authenticate(wrongSecret, peer)

        then:
        EntenteException wrong = thrown()
        wrong.code() == ErrorCode.GRANT_UNKNOWN && wrong.code().status() == 401

        when:
        db.authorizer.authenticate(unknownId, peer)

        then:
        EntenteException unknown = thrown()
        unknown.code() == ErrorCode.GRANT_UNKNOWN
        // nothing tells the two apart: not the message, not the extensions
        unknown.detail() == wrong.detail()
        unknown.extensions() == wrong.extensions()
        !wrong.detail().contains(id)
    }

    def "a grant of another peer is refused with grant_peer_mismatch (401)"() {
        given:
        UUID owner = db.peer()
        UUID other = db.peer()
        IssuedGrant issued = db.issue(peer: owner)

        when:
        db.authorizer.authenticate(issued.bearerToken(), other)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.GRANT_PEER_MISMATCH
        e.code().status() == 401
        e.detail().contains('issued to another peer')
        !e.detail().contains(issued.bearerToken().substring(issued.bearerToken().indexOf('.') + 1))
    }

    def "a revoked or expired grant still authenticates; decide then refuses it with 403"() {
        given:
        UUID peer = db.peer()
        IssuedGrant issued = db.issue(peer: peer)
        db.grants.revoke(issued.grant().id(), 'alice', 'done')

        when:
        Decision d = db.authorizer.authorize(issued.bearerToken(), peer,
                new AccessRequest(READ, null, null, null, NOW))

        then:
        d.code() == ErrorCode.GRANT_REVOKED && d.code().status() == 403
    }

    def "issue refuses #what: #message"() {
        given:
        UUID peer = db.peer()
        Map args = [peer: peer, scopes: [READ] as Set, instances: [], networks: [], cidrs: [], expiresAt: NOW + Duration.ofDays(1)] + change

        when:
        db.repository.issue(args.peer as UUID, args.scopes as Set, args.instances as List, args.networks as List,
                args.cidrs as List, args.expiresAt as Instant, 'alice')

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.INVALID_REQUEST
        e.detail() == message

        where:
        what                  | change                                        || message
        'no scopes'           | [scopes: [] as Set]                           || 'permission_scopes must not be empty; give read, write or both (--scopes read,write)'
        'null scopes'         | [scopes: null]                                || 'permission_scopes must not be empty; give read, write or both (--scopes read,write)'
        'a bad instance id'   | [instances: ['i 1']]                          || "instance id 'i 1' is invalid; use 1-128 characters of letters, digits and . _ : -"
        'an empty instance id' | [instances: ['']]                            || "instance id '' is invalid; use 1-128 characters of letters, digits and . _ : -"
        'a long instance id'  | [instances: ['i' * 129]]                      || "instance id '${'i' * 129}' is invalid; use 1-128 characters of letters, digits and . _ : -"
        'a bad network id'    | [networks: ['net/a']]                         || "network id 'net/a' is invalid; use 1-128 characters of letters, digits and . _ : -"
        'too many instances'  | [instances: (1..257).collect { "i-$it" }]     || 'at most 256 instance ids per grant, got 257; an empty list allows any instance'
        'too many networks'   | [networks: (1..257).collect { "n-$it" }]      || 'at most 256 network ids per grant, got 257; an empty list allows any network'
        'too many cidrs'      | [cidrs: (1..257).collect { "10.0.${it % 256}.${it.intdiv(256)}" }] || 'at most 256 source cidrs per grant, got 257; an empty list allows any source'
        'a v4 prefix > 32'    | [cidrs: ['10.0.0.0/33']]                      || "source cidr '10.0.0.0/33' has prefix '33'; IPv4 prefixes are 0-32"
        'a v6 prefix > 128'   | [cidrs: ['2001:db8::/129']]                   || "source cidr '2001:db8::/129' has prefix '129'; IPv6 prefixes are 0-128"
        'a negative prefix'   | [cidrs: ['10.0.0.0/-1']]                      || "source cidr '10.0.0.0/-1' has prefix '-1'; IPv4 prefixes are 0-32"
        'v4 host bits'        | [cidrs: ['10.1.2.3/8']]                       || "source cidr '10.1.2.3/8' has host bits set; did you mean 10.0.0.0/8?"
        'v6 host bits'        | [cidrs: ['2001:db8::1/64']]                   || "source cidr '2001:db8::1/64' has host bits set; did you mean 2001:db8::/64?"
        'a host name'         | [cidrs: ['example.com']]                      || "source cidr 'example.com' is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32, 203.0.113.7)"
        'a short IPv4'        | [cidrs: ['10.0.0/24']]                        || "source cidr '10.0.0/24' is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32, 203.0.113.7)"
        'an octet > 255'      | [cidrs: ['10.0.0.256']]                       || "source cidr '10.0.0.256' is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32, 203.0.113.7)"
        'leading zeros'       | [cidrs: ['010.0.0.0/8']]                      || "source cidr '010.0.0.0/8' is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32, 203.0.113.7)"
        'a zone id'           | [cidrs: ['fe80::1%eth0']]                     || "source cidr 'fe80::1%eth0' is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32, 203.0.113.7)"
        'two ::'              | [cidrs: ['2001::db8::/32']]                   || "source cidr '2001::db8::/32' is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32, 203.0.113.7)"
        'nine groups'         | [cidrs: ['1:2:3:4:5:6:7:8:9']]                || "source cidr '1:2:3:4:5:6:7:8:9' is not an IPv4 or IPv6 address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32, 203.0.113.7)"
        'an empty cidr'       | [cidrs: ['']]                                 || 'empty source cidr'
        'a mapped range'      | [cidrs: ['::ffff:10.0.0.0/104']]              || "source cidr '::ffff:10.0.0.0/104' is an IPv4-mapped range; write it as IPv4: 10.0.0.0/8"
        'no expiry'           | [expiresAt: null]                             || 'expires_at is required (--expires-in 30d)'
        'an expiry now'       | [expiresAt: NOW]                              || "expires_at ${NOW} is not in the future (now ${NOW})"
        'a past expiry'       | [expiresAt: NOW - Duration.ofSeconds(1)]      || "expires_at ${NOW - Duration.ofSeconds(1)} is not in the future (now ${NOW})"
        'an expiry > 365d'    | [expiresAt: NOW + Duration.ofDays(365) + Duration.ofSeconds(1)] || "expires_at ${NOW + Duration.ofDays(365) + Duration.ofSeconds(1)} is more than 365 days out; grants last at most 365d: issue a new one before this one expires"
        'no peer'             | [peer: null]                                  || 'peer_id is required'
    }

    def "issue accepts exactly 365 days, 256 entries and 128-character ids"() {
        when:
        IssuedGrant g = db.issue(expiresAt: NOW + Duration.ofDays(365), instances: (1..256).collect { "i-$it".toString() },
                networks: ['n' * 128], cidrs: (0..255).collect { "10.0.${it}.0/24".toString() })

        then:
        g.grant().expiresAt() == NOW + Duration.ofDays(365)
        g.grant().instanceIds().size() == 256
        g.grant().sourceCidrs().size() == 256
    }

    def "issue refuses an unknown peer (not_found) and a revoked peer"() {
        when:
        db.issue(peer: UUID.randomUUID())

        then:
        EntenteException unknown = thrown()
        unknown.code() == ErrorCode.NOT_FOUND

        when:
        db.issue(peer: db.peer(PeerState.REVOKED))

        then:
        EntenteException revoked = thrown()
        revoked.code() == ErrorCode.INVALID_REQUEST
        revoked.detail() ==~ /peer peer-\d+ is revoked; grants can only be issued to a peer that is not revoked/
    }

    def "lists are de-duplicated and CIDRs stored canonical with their prefix"() {
        when:
        Grant g = db.issue(instances: ['i-1', 'i-2', 'i-1'], networks: ['n-1', 'n-1'],
                cidrs: ['2001:DB8:0:0::/32', '203.0.113.7', '2001:db8::/32', '0:0:0:0:0:0:0:1', '10.0.0.0/8', '::/0',
                        '2001:db8:0:0:1:0:0:1', '1:0:0:2:0:0:0:3', '::/80']).grant()

        then:
        g.instanceIds() == ['i-1', 'i-2']
        g.networkIds() == ['n-1']
        g.sourceCidrs() == ['2001:db8::/32', '203.0.113.7/32', '::1/128', '10.0.0.0/8', '::/0',
                            '2001:db8::1:0:0:1/128', '1:0:0:2::3/128', '::/80']
        db.repository.find(g.id()).get() == g
    }

    def "toMap has exactly DESIGN §10's keys, then issue 18's renewal keys"() {
        given:
        UUID peer = db.peer()
        Grant g = db.issue(peer: peer, scopes: [WRITE, READ] as Set, instances: ['i-1'], cidrs: ['10.0.0.0/8'],
                expiresAt: Instant.parse('2026-12-01T00:00:00Z')).grant()

        expect:
        json(g).keySet() as List == ['id', 'peer_id', 'state', 'permission_scopes', 'instance_ids', 'network_ids',
                                       'source_cidrs', 'expires_at', 'auto_renew', 'max_expires_at', 'renewed_count', 'renews']
        json(g) == [id: g.id().toString(), peer_id: peer.toString(), state: 'active', permission_scopes: ['read', 'write'],
                      instance_ids: ['i-1'], network_ids: [], source_cidrs: ['10.0.0.0/8'], expires_at: '2026-12-01T00:00:00Z',
                      auto_renew: false, max_expires_at: null, renewed_count: 0, renews: 'lapses 2026-12-01T00:00:00Z']
    }

    def "find, list and listForPeer"() {
        given:
        UUID a = db.peer()
        UUID b = db.peer()
        Grant a1 = db.issue(peer: a).grant()
        Grant a2 = db.issue(peer: a).grant()
        Grant b1 = db.issue(peer: b).grant()

        expect:
        db.repository.find(a1.id()).get() == a1
        db.repository.find(UUID.randomUUID()).isEmpty()
        db.repository.listForPeer(a)*.id() as Set == [a1.id(), a2.id()] as Set
        db.repository.listForPeer(b) == [b1]
        db.repository.list()*.id().containsAll([a1.id(), a2.id(), b1.id()])
    }

    def "revoking a peer revokes its active grants in the same transaction, with one audit event"() {
        given:
        UUID peer = db.peer()
        UUID other = db.peer()
        UUID active = db.issue(peer: peer).grant().id()
        UUID active2 = db.issue(peer: peer).grant().id()
        UUID expired = db.grantIn(GrantState.EXPIRED, [peer_id: peer])
        UUID othersGrant = db.issue(peer: other).grant().id()

        when:
        db.peers.revoke(peer, 'alice', 'contract ended')

        then:
        db.row(active).state == 'revoked' && db.row(active).version == 1
        db.row(active2).state == 'revoked' && db.row(active2).version == 1
        db.row(active).revoked_reason == 'peer revoked: contract ended'
        db.row(active).state_since.toInstant() == NOW
        db.row(expired).state == 'expired' && db.row(expired).version == 0
        db.row(othersGrant).state == 'active'

        and:
        def events = db.sql.rows("SELECT * FROM audit_events WHERE type = 'grant.revoked' AND subject = 'grants'")
        events.size() == 1
        with(new JsonSlurper().parseText(events[0].details as String)) {
            count == 2
            ids == [active.toString(), active2.toString()].sort()
            from == 'active'
            peer_id == peer.toString()
            reason == 'peer revoked: contract ended'
            event == 'revoke'
            to == 'revoked'
        }
        db.auditChainVerifies()
    }

    def "revokeAllForPeer runs on the caller's connection: it rolls back with the caller"() {
        given:
        UUID peer = db.peer()
        UUID grant = db.issue(peer: peer).grant().id()
        int eventsBefore = db.sql.firstRow('SELECT count(*) AS n FROM audit_events').n as int

        when:
        db.db.tx.inTransaction { c ->
            assert db.grants.revokeAllForPeer(c, peer, 'drill') == [grant]
            // seen inside the transaction...
            def ps = c.prepareStatement('SELECT state FROM grants WHERE id = ?')
            ps.setObject(1, grant)
            def rs = ps.executeQuery()
            rs.next()
            assert rs.getString(1) == 'revoked'
            throw new SQLException('the peer revocation failed later')
        }

        then: '...and gone with it'
        thrown(IllegalStateException)
        db.row(grant).state == 'active' && db.row(grant).version == 0
        (db.sql.firstRow('SELECT count(*) AS n FROM audit_events').n as int) == eventsBefore

        when: 'a peer with nothing live: no change, no audit event'
        List<UUID> none = db.db.tx.inTransaction { c -> db.grants.revokeAllForPeer(c, db.peer(), 'nothing') }

        then:
        none.isEmpty()
        (db.sql.firstRow('SELECT count(*) AS n FROM audit_events').n as int) == eventsBefore
    }

    def "a grant revoked with its peer then fails the federation API with grant_revoked"() {
        given:
        UUID peer = db.peer()
        IssuedGrant issued = db.issue(peer: peer)

        when:
        db.peers.revoke(peer, 'alice', 'compromised')
        Grant g = db.authorizer.authenticate(issued.bearerToken(), peer)
        Decision d = db.authorizer.decide(g, new AccessRequest(READ, null, null, null, NOW))

        then:
        d.code() == ErrorCode.GRANT_REVOKED
        d.detail().contains('peer revoked: compromised')
    }

    def "expireDue expires every active grant at or past expires_at, set-based, one audit event per batch; a second run finds nothing"() {
        given:
        UUID peer = db.peer()
        List<UUID> due = (1..5).collect { db.grantIn(GrantState.ACTIVE, [peer_id: peer, expires_at: NOW - Duration.ofMinutes(it)]) }
        due << db.grantIn(GrantState.ACTIVE, [peer_id: peer, expires_at: NOW])   // exactly now: due
        UUID future = db.grantIn(GrantState.ACTIVE, [peer_id: peer, expires_at: NOW + Duration.ofNanos(1000)])
        UUID revoked = db.grantIn(GrantState.REVOKED, [peer_id: peer, expires_at: NOW - Duration.ofDays(1)])

        when:
        def result = db.grants.expireDue(NOW, 4)

        then:
        result.ids() as Set == due as Set
        result.count() == 6
        result.batches() == 2
        due.every { db.row(it).state == 'expired' && db.row(it).version == 1 && db.row(it).state_since.toInstant() == NOW }
        db.row(future).state == 'active'
        db.row(revoked).state == 'revoked'
        def events = db.sql.rows("SELECT * FROM audit_events WHERE type = 'grant.expired' AND subject = 'grants' ORDER BY seq")
        events.size() >= 2
        events.takeRight(2).collect { new JsonSlurper().parseText(it.details as String).count } == [4, 2]

        when:
        def again = db.grants.expireDue(NOW)

        then:
        again.count() == 0 && again.batches() == 0
        db.auditChainVerifies()
    }

    def "Permission parses the CLI's scope names"() {
        expect:
        Permission.parseAll(['read', ' WRITE ']) == [READ, WRITE] as Set
        READ.value() == 'read' && WRITE.value() == 'write'

        when:
        Permission.fromValue('admin')

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.INVALID_REQUEST
        e.detail() == "unknown permission scope 'admin'; allowed: read, write"
    }

    private static String textOf(Object v) {
        if (v == null) {
            return ''
        }
        if (v instanceof byte[]) {
            return new String(v as byte[], StandardCharsets.ISO_8859_1)
        }
        if (v instanceof java.sql.Array) {
            return (v.getArray() as Object[]).join(',')
        }
        v.toString()
    }

    /** The JSON an API answer or the CLI shows, read back as plain values. */
    private static Map json(Object value) {
        new ObjectMapper().convertValue(value, Map)
    }
}
