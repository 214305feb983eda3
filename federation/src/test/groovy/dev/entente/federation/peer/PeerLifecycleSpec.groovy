package dev.entente.federation.peer

import dev.entente.lifecycle.engine.TransitionResult
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.time.Duration
import java.time.Instant
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors

import static dev.entente.federation.peer.PeerFixture.DIGEST
import static dev.entente.federation.peer.PeerFixture.NOW
import static dev.entente.federation.peer.PeerFixture.TOKEN
import static dev.entente.federation.peer.PeerState.*

/** The guards' specific refusals, the columns each move writes, single use and the accept race. */
class PeerLifecycleSpec extends Specification {
    @Shared @AutoCleanup PeerFixture db = new PeerFixture()

    def "accept is refused with #code when #why, and nothing is persisted"() {
        given:
        UUID id = db.peerIn(PROPOSED, columns)

        when:
        lifecycle(db).accept(id, presented, at)

        then:
        EntenteException e = thrown()
        e.code() == code
        e.detail() ==~ message
        e.extensions().id == id.toString()

        and: 'still proposed, token intact, unaudited'
        with(db.row(id)) {
            state == 'proposed'
            version == 0
            (token_digest as byte[]) == (columns.containsKey('token_digest') ? columns.token_digest : DIGEST)
        }
        db.auditOf(id).isEmpty()

        where:
        why                                      | columns                                             | presented                                  | at                         | lifecycle          || code                                   | message
        'the token is another one'               | [:]                                                 | PeerLifecycle.tokenDigest('forged.token') | NOW                        | { it.peers }       || ErrorCode.ACCEPTANCE_TOKEN_MISMATCH    | /the acceptance token does not match .*/
        'the token expired'                      | [:]                                                 | DIGEST                                     | NOW + Duration.ofDays(8)   | { it.peers }       || ErrorCode.ACCEPTANCE_TOKEN_EXPIRED     | /the acceptance token expired at 2026-11-30T12:00:00Z; .*/
        'the token expires exactly now'          | [token_expires_at: NOW]                             | DIGEST                                     | NOW                        | { it.peers }       || ErrorCode.ACCEPTANCE_TOKEN_EXPIRED     | /the acceptance token expired at .*/
        // match before expiry: a caller without the token learns nothing about it
        'a wrong token is also expired'          | [:]                                                 | PeerLifecycle.tokenDigest('forged.token') | NOW + Duration.ofDays(8)   | { it.peers }       || ErrorCode.ACCEPTANCE_TOKEN_MISMATCH    | /.*/
        'no token is stored and drill mode is off' | [token_digest: null, token_jti: null, token_expires_at: null] | DIGEST                          | NOW                        | { it.peers }       || ErrorCode.ACCEPTANCE_TOKEN_REQUIRED    | /peer .* has no acceptance token and drill mode is off; issue one with entente peers token .*/
        'no token is presented'                  | [:]                                                 | null                                       | NOW                        | { it.peers }       || ErrorCode.ACCEPTANCE_TOKEN_REQUIRED    | /an acceptance token is required .*/
        // drill mode only waives a missing stored token, never a mismatching one
        'drill mode with a stored token, wrong one' | [:]                                              | PeerLifecycle.tokenDigest('forged.token') | NOW                        | { it.drillPeers }  || ErrorCode.ACCEPTANCE_TOKEN_MISMATCH    | /.*/
    }

    def "in drill mode a proposed peer with no stored token accepts any caller"() {
        given:
        UUID id = db.peerIn(PROPOSED, [token_digest: null, token_jti: null, token_expires_at: null])

        expect:
        db.drillPeers.accept(id, null, NOW).to() == ACCEPTED
    }

    def "the acceptance token is single use: ACCEPT clears the digest, a replay is rejected"() {
        given:
        UUID id = db.peerIn(PROPOSED)

        when: 'the remote hub accepts and tells us who it is'
        def first = db.peers.accept(id, DIGEST, NOW,
                new PeerLifecycle.RemoteHub('hub_0b0b0b0b', 'https://hub-b.example:7443', ['sha256:bb']))

        then:
        first.changed() && first.to() == ACCEPTED
        with(db.repository.find(id).get()) {
            tokenDigest() == null
            hubId() == 'hub_0b0b0b0b'
            url() == 'https://hub-b.example:7443'
            pinnedFingerprints() == ['sha256:bb']
            stateSince() == NOW
        }
        db.auditOf(id)*.type == ['peer.accepted']
        db.auditOf(id)*.actor == ['system:handshake']

        when: 'the same token is presented again'
        db.peers.accept(id, PeerLifecycle.tokenDigest(TOKEN), NOW)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.TRANSITION_REJECTED
        db.auditOf(id).size() == 1
    }

    def "a repeated ACCEPT by the hub that consumed the token is a no-op while the peer is accepted (issue 11)"() {
        given: 'hub B accepted, then crashed before the certificate exchange finished'
        UUID id = db.peerIn(PROPOSED)
        def b = new PeerLifecycle.RemoteHub(freshHubId(), 'https://hub-b.example:7443', ['sha256:bb'])
        db.peers.accept(id, DIGEST, NOW, b)

        when: 'B comes back with the same token'
        def again = db.peers.accept(id, DIGEST, NOW + Duration.ofMinutes(1), b)

        then: 'nothing changes, nothing is audited: the caller answers the enrollment again'
        !again.changed()
        again.from() == ACCEPTED && again.to() == ACCEPTED
        db.row(id).state == 'accepted'
        db.auditOf(id)*.type == ['peer.accepted']
    }

    def "a repeated ACCEPT is refused when #why (issue 11)"() {
        given:
        UUID id = db.peerIn(PROPOSED)
        String hubId = freshHubId()
        db.peers.accept(id, DIGEST, NOW, new PeerLifecycle.RemoteHub(hubId, 'https://hub-b.example:7443', ['sha256:bb']))
        if (enrolled) {
            db.peers.enroll(id, '0a1b2c', NOW + Duration.ofDays(7), 'sha256:ca01', 'PEM', 'node-key-1')
        }

        when:
        db.peers.accept(id, DIGEST, NOW, presented.call(hubId) as PeerLifecycle.RemoteHub)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.TRANSITION_REJECTED
        db.auditOf(id)*.type == (enrolled ? ['peer.accepted', 'peer.enrolled'] : ['peer.accepted'])

        where:
        why                                     | enrolled | presented
        'another hub presents it'               | false    | { h -> new PeerLifecycle.RemoteHub(freshHubId(), 'https://hub-b.example:7443', ['sha256:bb']) }
        'the hub id comes from another url'     | false    | { h -> new PeerLifecycle.RemoteHub(h, 'https://evil.example:7443', ['sha256:bb']) }
        'the hub id comes with another TLS key' | false    | { h -> new PeerLifecycle.RemoteHub(h, 'https://hub-b.example:7443', ['sha256:cc']) }
        'no accepter is named'                  | false    | { h -> null }
        'the enrollment already completed'      | true     | { h -> new PeerLifecycle.RemoteHub(h, 'https://hub-b.example:7443', ['sha256:bb']) }
    }

    private static String freshHubId() {
        'hub_' + UUID.randomUUID().toString().substring(0, 8)
    }

    def "race: #threads threads accept the same proposed peer at once and exactly one wins"() {
        given:
        UUID id = db.peerIn(PROPOSED)
        def pool = Executors.newFixedThreadPool(threads)
        def start = new CountDownLatch(1)

        when:
        def futures = (1..threads).collect {
            pool.submit({
                start.await()
                try {
                    return db.peers.accept(id, DIGEST, NOW)
                } catch (EntenteException e) {
                    return e
                }
            } as Callable)
        }
        start.countDown()
        def outcomes = futures*.get()
        pool.shutdown()

        then: 'one transition; the others lost the optimistic save or found the token used'
        outcomes.findAll { it instanceof TransitionResult }.size() == 1
        outcomes.findAll { it instanceof EntenteException }*.code().every { it in [ErrorCode.CONFLICT, ErrorCode.TRANSITION_REJECTED] }
        db.row(id).state == 'accepted'
        db.row(id).version == 1
        db.auditOf(id).size() == 1
        db.auditChainVerifies()

        where:
        threads << [8]
    }

    def "a replaced token stops working at once; the new one accepts"() {
        given:
        UUID id = db.peerIn(PROPOSED)
        byte[] fresh = PeerLifecycle.tokenDigest('fresh.token')

        when:
        db.repository.replaceToken(id, fresh, UUID.randomUUID(), NOW + Duration.ofDays(7))
        db.peers.accept(id, DIGEST, NOW)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.ACCEPTANCE_TOKEN_MISMATCH

        expect:
        db.peers.accept(id, fresh, NOW).to() == ACCEPTED
    }

    def "accept refuses a remote hub already linked as another live peer"() {
        given:
        db.repository.createAccepted('hub-c', 'hub_0c0c0c0c', 'https://hub-c.example:7443', ['sha256:cc'])
        UUID id = db.peerIn(PROPOSED)

        when:
        db.peers.accept(id, DIGEST, NOW, new PeerLifecycle.RemoteHub('hub_0c0c0c0c', 'https://x', []))

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.PEER_HUB_ID_TAKEN
        db.row(id).state == 'proposed'
        db.row(id).token_digest != null
    }

    def "enroll needs both halves: #why"() {
        given:
        UUID id = db.peerIn(ACCEPTED)

        when:
        db.peers.enroll(id, serial, NOW + Duration.ofDays(7), 'sha256:ca01', pem, keyId)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.PEER_ENROLLMENT_INCOMPLETE
        e.extensions().missing == missing
        db.row(id).state == 'accepted'

        where:
        why                          | serial   | pem         | keyId   || missing
        'our node cert is missing'   | null     | 'PEM'       | 'key-1' || ['node_cert_serial']
        'their client cert missing'  | '0a1b'   | null        | 'key-1' || ['client_cert_pem']
        'the sealed key is missing'  | '0a1b'   | 'PEM'       | ' '     || ['client_key_id']
        'nothing at all'             | null     | null        | null    || ['node_cert_serial', 'client_cert_pem', 'client_key_id']
    }

    def "enroll stores both halves; the first heartbeat activates and records what the peer said"() {
        given:
        UUID id = db.peerIn(ACCEPTED)
        Instant notAfter = NOW + Duration.ofDays(7)

        when:
        db.peers.enroll(id, '0a1b2c', notAfter, 'sha256:ca01', 'PEM', 'node-key-1')

        then:
        with(db.repository.find(id).get()) {
            state() == ENROLLED
            nodeCertSerial() == '0a1b2c'
            nodeCertNotAfter() == notAfter
            nodeCertSignerFingerprint() == 'sha256:ca01'
            clientCertPem() == 'PEM'
            clientKeyId() == 'node-key-1'
        }

        when:
        db.peers.recordHeartbeat(id, NOW + Duration.ofSeconds(30), -250L, 1, 'update_clients', ['sha256:old', 'sha256:new'])

        then:
        with(db.repository.find(id).get()) {
            state() == ACTIVE
            lastHeartbeatAt() == NOW + Duration.ofSeconds(30)
            stateSince() == NOW + Duration.ofSeconds(30)
            lastClockSkewMs() == -250L
            remoteProtocolVersion() == 1
            remoteCaPhase() == 'update_clients'
            pinnedFingerprints() == ['sha256:old', 'sha256:new']
            heartbeatsReceived() == 1
        }

        when: 'an active peer heartbeats: only the heartbeat columns change (quietly: no version bump, no audit event)'
        long versionBefore = db.row(id).version
        int auditedBefore = db.auditOf(id).size()
        db.peers.recordHeartbeat(id, NOW + Duration.ofSeconds(60), 5L, 1, 'update_clients', [])

        then:
        with(db.repository.find(id).get()) {
            state() == ACTIVE
            lastHeartbeatAt() == NOW + Duration.ofSeconds(60)
            stateSince() == NOW + Duration.ofSeconds(30)
            pinnedFingerprints() == ['sha256:old', 'sha256:new']
            heartbeatsReceived() == 2
            version() == versionBefore
        }
        db.auditOf(id).size() == auditedBefore

        when: 'a heartbeat stamped earlier (another replica, a slower clock) never moves it back'
        db.peers.recordHeartbeat(id, NOW + Duration.ofSeconds(45), 5L, 1, 'update_clients', [])

        then:
        db.repository.find(id).get().lastHeartbeatAt() == NOW + Duration.ofSeconds(60)
    }

    def "an active peer's heartbeat is quiet: last_heartbeat_at moves, the version and the audit log do not"() {
        given:
        UUID id = db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofMinutes(1)])
        long auditRows = db.sql.firstRow('SELECT count(*) AS c FROM audit_events').c as long

        when: 'a day of heartbeats at 30 s would be 2,880; three make the point'
        def results = (1..3).collect { db.peers.recordHeartbeat(id, NOW + Duration.ofSeconds(30 * it), 4L, 1, 'standby', []) }

        then:
        results.every { it.changed() && it.from() == ACTIVE && it.to() == ACTIVE && it.version() == 0 }
        with(db.repository.find(id).get()) {
            state() == ACTIVE
            version() == 0
            lastHeartbeatAt() == NOW + Duration.ofSeconds(90)
            heartbeatsReceived() == 3
            lastClockSkewMs() == 4L
        }
        db.sql.firstRow('SELECT count(*) AS c FROM audit_events').c == auditRows
        db.auditOf(id).isEmpty()
        db.auditChainVerifies()
    }

    def "a degraded peer's heartbeat is a state change: version bumped, audited as peer.active"() {
        given:
        UUID id = db.peerIn(DEGRADED, [degraded_reason: 'no heartbeat for 1h (stale-after 5s)'])

        when:
        def result = db.peers.recordHeartbeat(id, NOW, 0L, 1, 'standby', [])

        then:
        result.changed() && result.from() == DEGRADED && result.to() == ACTIVE && result.version() == 1
        db.row(id).subMap('state', 'version', 'degraded_reason') == [state: 'active', version: 1, degraded_reason: null]
        db.repository.find(id).get().stateSince() == NOW
        db.auditOf(id)*.type == ['peer.active']
        db.auditOf(id)*.actor == ['system:heartbeat']
        db.auditChainVerifies()
    }

    def "markStale records why, and refuses a peer whose heartbeat is fresh"() {
        given:
        UUID stale = db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofSeconds(7)])
        UUID fresh = db.peerIn(ACTIVE, [last_heartbeat_at: NOW - Duration.ofSeconds(5)])

        when:
        db.peers.markStale(stale, NOW)

        then:
        db.row(stale).subMap('state', 'degraded_reason') == [state: 'degraded', degraded_reason: 'no heartbeat for 7s (stale-after 5s)']

        when: 'exactly stale-after is not overdue yet'
        db.peers.markStale(fresh, NOW)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.PEER_NOT_STALE
        db.row(fresh).state == 'active'

        when: 'the degraded peer heartbeats again'
        db.peers.recordHeartbeat(stale, NOW + Duration.ofSeconds(1), 0L, 1, 'standby', [])

        then: 'it is active again, no operator action'
        db.row(stale).subMap('state', 'degraded_reason') == [state: 'active', degraded_reason: null]
    }

    def "#event without a reason is refused with peer_reason_required"() {
        given:
        UUID id = db.peerIn(ACTIVE)

        when:
        action(db.peers, id)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.PEER_REASON_REQUIRED
        db.row(id).state == 'active'

        where:
        event     | action
        'suspend' | { PeerLifecycle p, UUID peer -> p.suspend(peer, 'alice', ' ') }
        'revoke'  | { PeerLifecycle p, UUID peer -> p.revoke(peer, 'alice', null) }
    }

    def "suspend and resume: the reason is recorded, then cleared; the audit trail tells who and why"() {
        given:
        UUID id = db.peerIn(ACTIVE)

        when:
        db.peers.suspend(id, 'alice', 'suspicious traffic')

        then:
        db.row(id).subMap('state', 'suspended_reason') == [state: 'suspended', suspended_reason: 'suspicious traffic']

        when:
        db.peers.resume(id, 'bob')

        then:
        db.row(id).subMap('state', 'suspended_reason') == [state: 'enrolled', suspended_reason: null]
        db.auditOf(id)*.type == ['peer.suspended', 'peer.enrolled']
        db.auditOf(id)*.actor == ['alice', 'bob']
    }

    def "revoke records the reason, clears an outstanding token and runs the hook in the same transaction"() {
        given:
        UUID id = db.peerIn(PROPOSED)

        when:
        db.peers.revoke(id, 'alice', 'proposed by mistake')

        then:
        db.row(id).subMap('state', 'revoked_reason', 'token_digest') ==
                [state: 'revoked', revoked_reason: 'proposed by mistake', token_digest: null]
        db.revoked.contains([id, 'proposed by mistake'])
    }

    def "when the revocation hook fails, the peer is not revoked: no half-revoked peers"() {
        given:
        UUID id = db.peerIn(ACTIVE)
        db.hookFails = true

        when:
        db.peers.revoke(id, 'alice', 'compromised')

        then:
        thrown(RuntimeException)
        db.row(id).subMap('state', 'version', 'revoked_reason') == [state: 'active', version: 0, revoked_reason: null]
        db.auditOf(id).isEmpty()

        cleanup:
        db.hookFails = false
    }

    def "Peer.isStale: only active peers, strictly older than stale-after"() {
        given:
        def peer = db.repository.find(db.peerIn(state, [last_heartbeat_at: NOW - age])).get()

        expect:
        peer.isStale(NOW, PeerFixture.STALE_AFTER) == stale

        where:
        state    | age                     || stale
        ACTIVE   | Duration.ofSeconds(6)   || true
        ACTIVE   | Duration.ofSeconds(5)   || false
        ACTIVE   | Duration.ofSeconds(1)   || false
        DEGRADED | Duration.ofHours(1)     || false
    }
}
