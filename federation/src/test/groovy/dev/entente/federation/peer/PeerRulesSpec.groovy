package dev.entente.federation.peer

import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.Specification

import java.time.Instant

/**
 * Issue 12: the peer-state rules the protocol and the HTTP shell follow are methods of the peer
 * domain, one row per state, instead of {@code if (peer.state() == ...)} in services and controllers.
 */
class PeerRulesSpec extends Specification {

    def "#state: sends heartbeats #sends, cached #cached, admitted #admitted, blocks a new accept #blocks"() {
        given:
        Peer peer = peer(state, 0)

        expect:
        peer.sendsHeartbeats() == sends
        state.cachesFederationCalls() == cached
        peer.blocksNewAccept() == blocks
        peer.isUnfinishedAccept() == (state == PeerState.ACCEPTED)
        admits(peer) == admitted

        where:
        state               | sends | cached | admitted                      | blocks
        PeerState.PROPOSED  | false | false  | ErrorCode.CLIENT_CERT_UNKNOWN | true
        PeerState.ACCEPTED  | false | false  | null                          | false
        PeerState.ENROLLED  | true  | true   | null                          | true
        PeerState.ACTIVE    | true  | true   | null                          | true
        PeerState.DEGRADED  | true  | true   | null                          | true
        PeerState.SUSPENDED | false | false  | ErrorCode.PEER_SUSPENDED      | true
        PeerState.REVOKED   | false | false  | ErrorCode.PEER_REVOKED        | false
    }

    def "the table above covers every state"() {
        expect:
        PeerState.values().size() == 7
    }

    def "handshake step 3 is repeated before the first heartbeat of an enrolled peer only"() {
        expect:
        peer(state, sent).needsCompletionRetry() == retry

        where:
        state              | sent | retry
        PeerState.ENROLLED | 0    | true
        PeerState.ENROLLED | 3    | false
        PeerState.ACTIVE   | 0    | false
    }

    def "a heartbeat from #state is quiet: #quiet (served #served, pinned ['aa'])"() {
        expect:
        peer(state, 0).isQuietHeartbeat(served) == quiet

        where:
        state              | served       | quiet
        PeerState.ACTIVE   | []           | true
        PeerState.ACTIVE   | ['aa']       | true
        PeerState.ACTIVE   | ['aa', 'bb'] | false
        PeerState.DEGRADED | []           | false
        PeerState.ENROLLED | ['aa']       | false
    }

    def "an answer serving #served repins: #repin"() {
        expect:
        peer(PeerState.ACTIVE, 0).needsRepin(served) == repin

        where:
        served       | repin
        []           | false
        ['aa']       | false
        ['bb', 'aa'] | true
        ['bb']       | true
    }

    def "a heartbeat from an accepted peer is refused until step 3 arrived"() {
        when:
        peer(PeerState.ACCEPTED, 0).requireEnrollmentComplete()

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.PEER_ENROLLMENT_INCOMPLETE

        when:
        peer(PeerState.ENROLLED, 0).requireEnrollmentComplete()

        then:
        noExceptionThrown()
    }

    private static ErrorCode admits(Peer peer) {
        Peer admitted
        try {
            admitted = peer.admitFederationCall()
        } catch (EntenteException e) {
            return e.code()
        }
        assert admitted.is(peer)
        return null
    }

    private static Peer peer(PeerState state, long heartbeatsSent) {
        Instant t = Instant.parse('2026-11-23T12:00:00Z')
        new Peer(UUID.randomUUID(), 'peer-1', 'hub_0123abcd', 'https://b.example:8443', state, 1, null, null, null,
                ['aa'], null, null, 'maintenance', null, null, null, null, heartbeatsSent, 0, 0, null, null, null, null,
                null, null, t, t, t)
    }
}
