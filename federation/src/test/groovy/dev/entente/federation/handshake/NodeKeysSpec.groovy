package dev.entente.federation.handshake

import dev.entente.ca.crypto.Argon2id
import dev.entente.ca.crypto.Certificates
import dev.entente.ca.vault.KeyVault
import dev.entente.ca.vault.SealedKeyStore
import dev.entente.federation.peer.Peer
import dev.entente.federation.peer.PeerFixture
import dev.entente.federation.peer.PeerState
import dev.entente.federation.protocol.PeerEndpoint
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification

import java.security.KeyPair
import java.security.cert.X509Certificate
import java.time.Duration
import java.time.Instant

/**
 * A heartbeat round's node keys: opened once and reused while the rows they come from are the
 * same, opened again (or refused) as soon as the peer row or the sealed key changes.
 */
class NodeKeysSpec extends Specification {
    @Shared @AutoCleanup PeerFixture db = new PeerFixture()
    @Shared KeyVault vault = KeyVault.open(db.tx, 'node keys spec'.toCharArray(), new Argon2id.Params(1024, 1, 1))
    @Shared SealedKeyStore store = new SealedKeyStore(db.tx, vault)
    @Shared KeyPair peerCa = Certificates.ed25519()
    @Shared X509Certificate peerCaCert = Certificates.caCertificate(peerCa, 'peer ca', Instant.now() - Duration.ofHours(1),
            Duration.ofDays(30))
    NodeKeys nodeKeys = new NodeKeys(db.tx, store)

    def "a round opens a peer's key once and serves it again while nothing changed"() {
        given:
        Peer peer = enrolledPeer()

        when:
        PeerEndpoint first = nodeKeys.forRound([peer]).endpoint(peer)
        PeerEndpoint second = nodeKeys.forRound([peer]).endpoint(peer)

        then:
        first.clientKey().is(second.clientKey())
        first.clientCert().is(second.clientCert())
        first.clientKey().encoded == nodeKeys.endpoint(peer).clientKey().encoded
        first.url() == peer.url()
        first.pinnedFingerprints() == peer.pinnedFingerprints() as Set
    }

    def "a renewed certificate on the peer row is served by the next round"() {
        given:
        Peer peer = enrolledPeer()
        X509Certificate before = nodeKeys.forRound([peer]).endpoint(peer).clientCert()

        when: 'a new key and certificate, as a renewal or a re-enrolment writes them'
        KeyPair renewed = Certificates.ed25519()
        X509Certificate cert = issue(renewed)
        String keyId = nodeKeys.seal(peer.id(), renewed, cert)
        db.sql.executeUpdate('UPDATE peers SET client_cert_pem = ?, client_key_id = ? WHERE id = ?',
                [Certificates.toPem(cert), keyId, peer.id()])
        Peer fresh = db.repository.find(peer.id()).get()
        PeerEndpoint after = nodeKeys.forRound([fresh]).endpoint(fresh)

        then:
        after.clientCert() == cert
        after.clientCert() != before
        after.clientKey().encoded == renewed.private.encoded
    }

    def "a re-pin or a new URL is served by the next round, with the key kept"() {
        given:
        Peer peer = enrolledPeer()
        PeerEndpoint before = nodeKeys.forRound([peer]).endpoint(peer)

        when:
        db.sql.executeUpdate("UPDATE peers SET pinned_fingerprints = ?::text[], url = 'https://127.0.0.2:7443' WHERE id = ?",
                ['{' + 'ab' * 32 + '}', peer.id()])
        Peer fresh = db.repository.find(peer.id()).get()
        PeerEndpoint after = nodeKeys.forRound([fresh]).endpoint(fresh)

        then:
        after.pinnedFingerprints() == ['ab' * 32] as Set
        after.url() == 'https://127.0.0.2:7443'
        after.clientKey().is(before.clientKey())
    }

    def "a key row that is gone is refused with mtls_config_partial by the next round"() {
        given:
        Peer peer = enrolledPeer()
        nodeKeys.forRound([peer]).endpoint(peer)

        when: 'a restore without sealed_keys'
        db.sql.executeUpdate('DELETE FROM sealed_keys WHERE id = ?', [peer.clientKeyId()])
        nodeKeys.forRound([peer]).endpoint(peer)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.MTLS_CONFIG_PARTIAL
        e.detail().contains("its key ${peer.clientKeyId()} is missing; relink the peer")
    }

    def "a key sealed again under the same id is opened again"() {
        given:
        Peer peer = enrolledPeer()
        PeerEndpoint before = nodeKeys.forRound([peer]).endpoint(peer)

        when: 'other bytes in the same row (a tampered or re-sealed key)'
        KeyPair other = Certificates.ed25519()
        db.sql.executeUpdate('UPDATE sealed_keys SET sealed_secret = ? WHERE id = ?',
                [vault.seal(other.private.encoded, peer.clientKeyId()), peer.clientKeyId()])
        PeerEndpoint after = nodeKeys.forRound([peer]).endpoint(peer)

        then:
        !after.clientKey().is(before.clientKey())
        after.clientKey().encoded == other.private.encoded
    }

    def "a sealed row that does not open is refused as before, not served from memory"() {
        given:
        Peer peer = enrolledPeer()
        nodeKeys.forRound([peer]).endpoint(peer)

        when:
        db.sql.executeUpdate('UPDATE sealed_keys SET sealed_secret = ? WHERE id = ?',
                [vault.seal(Certificates.ed25519().private.encoded, 'another-id'), peer.clientKeyId()])
        nodeKeys.forRound([peer]).endpoint(peer)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.KEY_MATERIAL_CORRUPT
    }

    def "a peer left out of a round is forgotten"() {
        given:
        Peer peer = enrolledPeer()
        PeerEndpoint before = nodeKeys.forRound([peer]).endpoint(peer)

        when:
        nodeKeys.forRound([])
        PeerEndpoint after = nodeKeys.forRound([peer]).endpoint(peer)

        then:
        !after.clientKey().is(before.clientKey())
        after.clientKey().encoded == before.clientKey().encoded
    }

    def "a peer without a client certificate is refused as not enrolled"() {
        given:
        Peer peer = db.repository.find(db.peerIn(PeerState.ACCEPTED, [url: 'https://127.0.0.1:7443'])).get()

        when:
        nodeKeys.forRound([peer]).endpoint(peer)

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.MTLS_CONFIG_PARTIAL
        e.detail().contains('not enrolled')
    }

    private Peer enrolledPeer() {
        UUID id = db.peerIn(PeerState.ACTIVE, [url: 'https://127.0.0.1:7443', hub_id: 'hub_' + UUID.randomUUID().toString()[0..7]])
        KeyPair key = Certificates.ed25519()
        X509Certificate cert = issue(key)
        String keyId = nodeKeys.seal(id, key, cert)
        db.sql.executeUpdate("UPDATE peers SET client_cert_pem = ?, client_key_id = ?, pinned_fingerprints = ?::text[] WHERE id = ?",
                [Certificates.toPem(cert), keyId, '{' + 'cd' * 32 + '}', id])
        db.repository.find(id).get()
    }

    private X509Certificate issue(KeyPair key) {
        Certificates.nodeCertificate(key.public, 'hub_0000000a', 'spiffe://peer/peer/hub_0000000a', Certificates.serial(),
                Instant.now() - Duration.ofHours(1), Instant.now() + Duration.ofDays(7), peerCaCert, peerCa.private)
    }
}
