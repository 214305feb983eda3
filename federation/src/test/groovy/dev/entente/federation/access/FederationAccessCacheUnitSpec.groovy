package dev.entente.federation.access

import dev.entente.ca.authority.IssuedCertificate
import dev.entente.ca.crypto.Certificates
import dev.entente.federation.peer.Peer
import dev.entente.federation.peer.PeerState
import spock.lang.Specification

import java.security.cert.X509Certificate
import java.time.Duration
import java.time.Instant

/**
 * The access cache on its own: entries only while the invalidation listener is connected, each
 * kind of change dropping what it voids, and a fill that raced an invalidation not stored.
 * FederationAccessCacheSpec in control-plane runs it between real hubs and replicas.
 */
class FederationAccessCacheUnitSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-11-27T12:00:00Z')

    FederationAccessCache cache = new FederationAccessCache()
    int loads = 0

    def "nothing is cached until the listener connects, nor after it disconnects"() {
        given:
        def grant = UUID.randomUUID()

        when:
        3.times { cache.find(grant) { loads++; Optional.of('row') } }

        then:
        loads == 3

        when:
        cache.connected()
        3.times { cache.find(grant) { loads++; Optional.of('row') } }

        then:
        loads == 4

        when:
        cache.disconnected()
        cache.find(grant) { loads++; Optional.of('row') }

        then:
        loads == 5
        !cache.live()
    }

    def "a grant notice drops that grant; a peer transition drops every grant (its revoke revoked them)"() {
        given:
        cache.connected()
        def g1 = UUID.randomUUID()
        def g2 = UUID.randomUUID()
        [g1, g2].each { g -> cache.find(g) { loads++; Optional.of(g.toString()) } }

        when:
        cache.notice("grants:$g1")
        [g1, g2].each { g -> cache.find(g) { loads++; Optional.of(g.toString()) } }

        then:
        loads == 3

        when:
        cache.committed('peers', [UUID.randomUUID()])
        [g1, g2].each { g -> cache.find(g) { loads++; Optional.of(g.toString()) } }

        then:
        loads == 5
    }

    def "a resource put drops it and the full list; an absent resource is cached too"() {
        given:
        cache.connected()
        def load = { loads++; Optional.empty() }

        when:
        2.times { cache.resource('service', 'web-1', load) }
        2.times { cache.resources { loads++; [] } }

        then:
        loads == 2

        when:
        cache.notice('exported_resources:service/web-1')
        cache.resource('service', 'web-1', load)
        cache.resources { loads++; [] }

        then:
        loads == 4
    }

    def "a load that raced an invalidation is not stored"() {
        given:
        cache.connected()
        def grant = UUID.randomUUID()

        when: 'the row changes while it is being read'
        cache.find(grant) { loads++; cache.invalidateGrant(grant); Optional.of('stale') }
        cache.find(grant) { loads++; Optional.of('fresh') }

        then:
        loads == 2
    }

    def "a malformed or unknown notice drops everything rather than risk a voided entry: #payload"() {
        given:
        cache.connected()
        def grant = UUID.randomUUID()
        cache.find(grant) { loads++; Optional.of('row') }

        when:
        cache.notice(payload)
        cache.find(grant) { loads++; Optional.of('row') }

        then:
        loads == 2

        where:
        payload << ['peers:not-a-uuid', 'grants:nope', 'some_new_table:1']
    }

    def "an admitted certificate is served within its validity, and dropped with its peer or its certificate"() {
        given:
        cache.connected()
        def (leaf, caller) = caller()
        remember(leaf, caller)

        expect:
        cache.caller(leaf, NOW).is(caller)
        cache.caller(leaf, NOW + Duration.ofDays(2)) == null

        when:
        cache.invalidateCertificate(caller.certificate().fingerprint())

        then:
        cache.caller(leaf, NOW) == null

        when:
        remember(leaf, caller)
        cache.notice("peers:${caller.peer().id()}")

        then:
        cache.caller(leaf, NOW) == null

        when:
        remember(leaf, caller)
        cache.committed('ca_rotations', [1L])

        then:
        cache.caller(leaf, NOW) == null
    }

    private void remember(X509Certificate leaf, FederationCaller caller) {
        cache.rememberCaller(leaf, new FederationAccessCache.CallerEntry(caller, NOW - Duration.ofHours(1),
                NOW + Duration.ofDays(1), System.nanoTime()), cache.generation())
    }

    private static List caller() {
        def keys = Certificates.ed25519()
        X509Certificate leaf = Certificates.caCertificate(keys, 'node', NOW - Duration.ofHours(1), Duration.ofDays(1))
        def id = UUID.randomUUID()
        def peer = new Peer(id, 'hub-b', 'hub_0000000b', null, PeerState.ACTIVE, 1L, null, null, null, [], null, null,
                null, null, null, null, null, 0L, 0L, 0L, null, null, null, null, null, null, NOW, NOW, NOW)
        def issued = new IssuedCertificate('01', Certificates.fingerprint(leaf), id.toString(), 'CN=node', 'signer',
                NOW - Duration.ofHours(1), NOW + Duration.ofDays(1), null, null, null, NOW)
        [leaf, new FederationCaller(peer, issued)]
    }
}
