package dev.entente.federation.peer

import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration
import java.time.Instant

import static dev.entente.federation.peer.PeerFixture.DIGEST
import static dev.entente.federation.peer.PeerFixture.NOW
import static dev.entente.federation.peer.PeerState.*

/** Creating peers, names, tokens, lookups, counters and the JSON shape of a peer. */
class PeerRepositorySpec extends Specification {
    @Shared @AutoCleanup PeerFixture db = new PeerFixture()

    def "propose stores a proposed peer with the token's digest, never the token"() {
        given:
        UUID jti = UUID.randomUUID()

        when:
        Peer peer = db.repository.propose('hub-b', DIGEST, jti, NOW + Duration.ofDays(7))

        then:
        peer.state() == PROPOSED
        peer.name() == 'hub-b'
        peer.version() == 0
        peer.tokenDigest() == DIGEST
        peer.tokenJti() == jti
        peer.tokenExpiresAt() == NOW + Duration.ofDays(7)
        peer.hubId() == null
        peer.pinnedFingerprints() == []
        peer.heartbeatsSent() == 0
        db.repository.find(peer.id()).get().name() == 'hub-b'
        db.repository.findByName('hub-b').get().id() == peer.id()
    }

    def "name '#name' is #verdict"() {
        when:
        def outcome = attempt { db.repository.propose(name, null, null, null) }

        then:
        valid ? outcome instanceof Peer : (outcome instanceof EntenteException && outcome.code() == ErrorCode.PEER_NAME_INVALID)

        where:
        name             || valid
        'a'              || true
        '0'              || true
        'hub-valid'      || true
        'x' * 63         || true
        'x' * 64         || false
        ''               || false
        null             || false
        'Hub-B'          || false
        '-hub'           || false
        'hub_b'          || false
        'hub b'          || false
        'hub.b'          || false
        'hüb'            || false
        verdict = valid ? 'accepted' : 'refused with peer_name_invalid'
    }

    def "a name is unique among live peers: taken while the peer lives, free again once it is revoked"() {
        given:
        Peer first = db.repository.propose('hub-dup', DIGEST, UUID.randomUUID(), NOW + Duration.ofDays(7))

        when:
        db.repository.propose('hub-dup', null, null, null)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.PEER_NAME_TAKEN
        e.code().status() == 409

        when:
        db.peers.revoke(first.id(), 'alice', 'wrong hub')
        Peer second = db.repository.propose('hub-dup', null, null, null)

        then:
        second.id() != first.id()
        db.repository.findByName('hub-dup').get().id() == second.id()
    }

    def "propose on the caller's transaction survives a duplicate name (savepoint)"() {
        given:
        db.repository.propose('hub-sp', null, null, null)

        when:
        def result = db.tx.inTransaction { c ->
            try {
                db.repository.propose(c, 'hub-sp', null, null, null)
            } catch (EntenteException e) {
                assert e.code() == ErrorCode.PEER_NAME_TAKEN
            }
            db.repository.propose(c, 'hub-sp-2', null, null, null)
        }

        then:
        result.name() == 'hub-sp-2'
    }

    def "replaceToken clobbers the old token and bumps the version; only proposed peers get one"() {
        given:
        Peer peer = db.repository.propose('hub-token', DIGEST, UUID.randomUUID(), NOW + Duration.ofDays(7))
        byte[] fresh = PeerLifecycle.tokenDigest('fresh.token')
        UUID jti = UUID.randomUUID()

        when:
        Peer replaced = db.repository.replaceToken(peer.id(), fresh, jti, NOW + Duration.ofDays(1))

        then:
        replaced.tokenDigest() == fresh
        replaced.tokenJti() == jti
        replaced.tokenExpiresAt() == NOW + Duration.ofDays(1)
        replaced.version() == peer.version() + 1

        when: 'the peer is accepted with the new token, a further token is refused'
        db.peers.accept(peer.id(), fresh, NOW)
        db.repository.replaceToken(peer.id(), DIGEST, UUID.randomUUID(), NOW + Duration.ofDays(1))

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.ACCEPTANCE_TOKEN_NOT_REPLACEABLE
        e.extensions().state == 'accepted'

        when:
        db.repository.replaceToken(UUID.randomUUID(), DIGEST, UUID.randomUUID(), NOW)

        then:
        EntenteException missing = thrown()
        missing.code() == ErrorCode.NOT_FOUND
    }

    def "createAccepted stores the proposer as the accepting side sees it; its hub id is unique among live peers"() {
        when:
        Peer a = db.repository.createAccepted('hub-a', 'hub_0a0a0a0a', 'https://hub-a.example:7443', ['sha256:aa'])

        then:
        a.state() == ACCEPTED
        a.hubId() == 'hub_0a0a0a0a'
        a.url() == 'https://hub-a.example:7443'
        a.pinnedFingerprints() == ['sha256:aa']
        a.tokenDigest() == null
        db.repository.findByHubId('hub_0a0a0a0a').get().id() == a.id()

        when:
        db.repository.createAccepted('hub-a-again', 'hub_0a0a0a0a', 'https://hub-a.example:7443', [])

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.PEER_HUB_ID_TAKEN
    }

    def "heartbeat counters and re-pinning are plain updates: no version bump, no audit"() {
        given:
        UUID id = db.peerIn(ACTIVE)

        when:
        db.repository.countHeartbeatFailed(id, 'connect timed out')
        db.repository.countHeartbeatFailed(id, 'tls_pin_mismatch')
        db.repository.countHeartbeatSent(id)
        db.repository.countHeartbeatSent(id)
        db.repository.countHeartbeatSent(id)
        Peer repinned = db.repository.repin(id, ['sha256:new'])

        then:
        repinned.heartbeatsSent() == 3
        repinned.heartbeatsFailed() == 2
        repinned.lastHeartbeatError() == null
        repinned.pinnedFingerprints() == ['sha256:new']
        repinned.version() == 0
        db.auditOf(id).isEmpty()

        when:
        db.repository.countHeartbeatFailed(id, 'connection refused')

        then:
        db.repository.find(id).get().lastHeartbeatError() == 'connection refused'
    }

    def "toMap has exactly DESIGN §10's shape, snake_case keys, RFC 3339 times, no secrets"() {
        given:
        UUID id = db.peerIn(ACTIVE, [hub_id: 'hub_0d0d0d0d', url: 'https://hub-d.example:7443',
                                     node_cert_serial: '0a1b2c', node_cert_not_after: NOW + Duration.ofDays(7),
                                     node_cert_signer_fingerprint: 'sha256:ca01',
                                     last_heartbeat_at: Instant.parse('2026-11-23T11:59:30.123456Z')])
        Peer peer = db.repository.repin(id, ['sha256:dd'])

        when:
        Map m = json(peer.view())

        then:
        m.keySet() as List == ['id', 'name', 'hub_id', 'url', 'state', 'last_heartbeat_at', 'degraded_reason',
                               'tls_fingerprints', 'node_cert', 'version']
        m == [id: id.toString(), name: peer.name(), hub_id: 'hub_0d0d0d0d', url: 'https://hub-d.example:7443',
              state: 'active', last_heartbeat_at: '2026-11-23T11:59:30.123456Z', degraded_reason: null,
              tls_fingerprints: ['sha256:dd'],
              node_cert: [serial: '0a1b2c', not_after: '2026-11-30T12:00:00Z', signer_fingerprint: 'sha256:ca01'],
              version: 0]
        (m.node_cert as Map).keySet() as List == ['serial', 'not_after', 'signer_fingerprint']

        and: 'a peer without a certificate yet'
        json(db.repository.find(db.peerIn(PROPOSED)).get().view()).containsKey('node_cert')
        json(db.repository.find(db.peerIn(PROPOSED)).get().view()).node_cert == null
    }

    def "list returns every peer; find answers empty for an unknown id"() {
        expect:
        db.repository.list().size() >= 1
        db.repository.find(UUID.randomUUID()).isEmpty()
        db.repository.findByHubId('hub_ffffffff').isEmpty()
    }

    private static Object attempt(Closure<?> work) {
        try {
            return work()
        } catch (EntenteException e) {
            return e
        }
    }

    /** What any Jackson mapper writes for {@code value}, read back as a map in written order. */
    private static Map json(Object value) {
        def mapper = new com.fasterxml.jackson.databind.ObjectMapper()
        mapper.readValue(mapper.writeValueAsString(value), LinkedHashMap)
    }
}
