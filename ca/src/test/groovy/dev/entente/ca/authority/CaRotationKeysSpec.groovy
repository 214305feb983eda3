package dev.entente.ca.authority

import dev.entente.ca.vault.SealedKeyStore
import dev.entente.lifecycle.error.EntenteException
import dev.entente.lifecycle.error.ErrorCode
import spock.lang.Specification

import java.security.cert.X509Certificate
import java.time.Instant

import static dev.entente.ca.authority.CaFixture.opensslVerifies
import static dev.entente.ca.crypto.TestCsrs.keys
import static dev.entente.ca.crypto.TestCsrs.pem

/**
 * The key moves of a CA rotation, checked the way a peer's TLS stack would: the real
 * {@code openssl verify -purpose sslclient -CAfile <bundle> <leaf>} says which node certificates
 * chain to the trust bundle after each step.
 */
class CaRotationKeysSpec extends Specification {

    def "a full rotation: start, switch signing, drop the old key, with a restart in the middle"() {
        given: 'a hub with one CA key and a peer certificate under it'
        def hub = new CaFixture()
        def k1 = hub.ca.signingKey()
        X509Certificate a = leaf(hub, 'peer-a')

        expect: 'standby: one key, one trusted certificate'
        !hub.ca.keys().rotating()
        hub.authority.trustBundle().fingerprints() == [k1.fingerprint()]
        opensslVerifies(bundle(hub), a)

        when: 'START → init: a standby key is generated and trusted; the old key still signs'
        def init = hub.inTx { c -> hub.ca.startRotation(c) }
        def k2 = init.newKey()
        X509Certificate b = leaf(hub, 'peer-b')

        then:
        init.rotating() && !init.newKeySigns()
        init.signing().id() == k1.id() && init.oldKey().id() == k1.id()
        k2.id() == 'ca_federation-2' && k2.fingerprint() != k1.fingerprint()
        init.standby().get().id() == k2.id()
        signer(hub, b) == k1.fingerprint()
        hub.authority.trustBundle().fingerprints() == [k1.fingerprint(), k2.fingerprint()]
        statuses(hub) == ['ca_federation-1': 'active', 'ca_federation-2': 'grace']
        opensslVerifies(bundle(hub), a)
        opensslVerifies(bundle(hub), b)

        when: 'START again is a no-op: same standby key'
        def again = hub.inTx { c -> hub.ca.startRotation(c) }

        then:
        again.newKey().id() == k2.id()
        hub.store.byPurpose(FederationCa.PURPOSE).size() == 2

        when: 'the hub restarts mid-rotation'
        hub.restart()
        def resumed = hub.ca.keys()

        then: 'the same keys in the same roles come back from the database'
        resumed.signing().fingerprint() == k1.fingerprint()
        resumed.oldKey().fingerprint() == k1.fingerprint()
        resumed.newKey().fingerprint() == k2.fingerprint()
        resumed.rotationStartedAt() == init.rotationStartedAt()
        resumed.version() == init.version()

        when: 'dropping the old key while it still signs'
        hub.inTx { c -> hub.ca.dropOldKey(c) }

        then: 'is refused, naming the step to take first'
        EntenteException refused = thrown()
        refused.code() == ErrorCode.CA_ROTATION_STEP_REJECTED
        refused.detail().contains('switch signing to the new key')

        when: 'ADVANCE → update_clients: the new key signs'
        def clients = hub.inTx { c -> hub.ca.switchSigningToStandby(c) }
        X509Certificate peerC = leaf(hub, 'peer-c')

        then:
        clients.newKeySigns()
        clients.standby().get().id() == k1.id()
        signer(hub, peerC) == k2.fingerprint()
        statuses(hub) == ['ca_federation-1': 'grace', 'ca_federation-2': 'active']
        [a, b, peerC].every { opensslVerifies(bundle(hub), it) }

        and: 'peers a and b lag behind on the old key; c is on the new one'
        hub.inTx { conn -> hub.authority.laggards(conn, k1.fingerprint(), Instant.now()) } == ['peer-a', 'peer-b']
        hub.inTx { conn -> hub.authority.laggards(conn, k2.fingerprint(), Instant.now()) } == ['peer-c']

        when: 'ADVANCE update_servers → standby: the old key is dropped'
        def done = hub.inTx { conn -> hub.ca.dropOldKey(conn) }

        then: 'only the new key is trusted: certificates under the old key stop verifying'
        !done.rotating()
        done.signing().id() == k2.id()
        hub.authority.trustBundle().fingerprints() == [k2.fingerprint()]
        statuses(hub) == ['ca_federation-1': 'retired', 'ca_federation-2': 'active']
        !opensslVerifies(bundle(hub), a)
        !opensslVerifies(bundle(hub), b)
        opensslVerifies(bundle(hub), peerC)
        hub.authority.verifyClientChain(peerC, Instant.now()).peerId() == 'peer-c'

        when: 'the old key’s certificate is presented over mTLS'
        hub.authority.verifyClientChain(a, Instant.now())

        then:
        EntenteException untrusted = thrown()
        untrusted.code() == ErrorCode.CLIENT_CERT_UNTRUSTED

        when: 'dropping again, and after a restart'
        hub.inTx { conn -> hub.ca.dropOldKey(conn) }
        hub.restart()

        then: 'a no-op; the new key keeps signing'
        hub.ca.signingKey().fingerprint() == k2.fingerprint()
        !hub.ca.keys().rotating()

        cleanup:
        hub?.close()
    }

    def "a rollback from update_clients: the old key signs again, then the new key is discarded"() {
        given: 'a rotation that reached update_clients, with certificates under both keys'
        def hub = new CaFixture()
        def k1 = hub.ca.signingKey()
        X509Certificate old = leaf(hub, 'peer-old')
        def k2 = hub.inTx { c -> hub.ca.startRotation(c) }.newKey()
        hub.inTx { c -> hub.ca.switchSigningToStandby(c) }
        X509Certificate underNew = leaf(hub, 'peer-new')

        when: 'ROLLBACK: signing returns to the old key, both stay trusted'
        def rolled = hub.inTx { c -> hub.ca.rollBack(c) }
        X509Certificate renewedBack = leaf(hub, 'peer-new')

        then:
        rolled.rotating() && !rolled.newKeySigns()
        rolled.signing().id() == k1.id()
        signer(hub, renewedBack) == k1.fingerprint()
        statuses(hub) == ['ca_federation-1': 'active', 'ca_federation-2': 'grace']
        [old, underNew, renewedBack].every { opensslVerifies(bundle(hub), it) }

        when: 'rolling back twice, and restarting'
        hub.inTx { c -> hub.ca.rollBack(c) }
        hub.restart()

        then: 'the same arrangement comes back'
        hub.ca.keys().signing().id() == k1.id()
        hub.ca.keys().newKey().id() == k2.id()

        when: 'ADVANCE rollback → standby: the new key is discarded'
        def discarded = hub.inTx { c -> hub.ca.discardStandby(c) }

        then: 'only the old key is trusted again'
        !discarded.rotating()
        hub.authority.trustBundle().fingerprints() == [k1.fingerprint()]
        statuses(hub) == ['ca_federation-1': 'active', 'ca_federation-2': 'retired']
        opensslVerifies(bundle(hub), old)
        opensslVerifies(bundle(hub), renewedBack)
        !opensslVerifies(bundle(hub), underNew)

        and: 'a later rotation gets a fresh key, not the discarded one'
        hub.inTx { c -> hub.ca.startRotation(c) }.newKey().id() == 'ca_federation-3'

        cleanup:
        hub?.close()
    }

    def "a rollback from init needs no key switch and the standby is discarded"() {
        given:
        def hub = new CaFixture()
        def k1 = hub.ca.signingKey()
        hub.inTx { c -> hub.ca.startRotation(c) }

        when:
        def rolled = hub.inTx { c -> hub.ca.rollBack(c) }
        def discarded = hub.inTx { c -> hub.ca.discardStandby(c) }

        then:
        rolled.signing().id() == k1.id()
        !discarded.rotating()
        hub.authority.trustBundle().fingerprints() == [k1.fingerprint()]

        cleanup:
        hub?.close()
    }

    def "#move is refused when #when"() {
        given:
        def hub = new CaFixture()
        arrange.call(hub)

        when:
        hub.inTx { c -> action.call(hub.ca, c) }

        then:
        EntenteException e = thrown()
        e.code() == ErrorCode.CA_ROTATION_STEP_REJECTED
        e.code().status() == 409

        cleanup:
        hub?.close()

        where:
        move                     | when                                   | arrange                                                                                       | action
        'switchSigningToStandby' | 'no rotation is under way'             | { CaFixture h -> }                                                                            | { FederationCa ca, c -> ca.switchSigningToStandby(c) }
        'rollBack'               | 'no rotation is under way'             | { CaFixture h -> }                                                                            | { FederationCa ca, c -> ca.rollBack(c) }
        'startRotation'          | 'the new key of a rotation signs'      | { CaFixture h -> h.inTx { c -> h.ca.startRotation(c); h.ca.switchSigningToStandby(c) } }     | { FederationCa ca, c -> ca.startRotation(c) }
        'discardStandby'         | 'the new key still signs'              | { CaFixture h -> h.inTx { c -> h.ca.startRotation(c); h.ca.switchSigningToStandby(c) } }     | { FederationCa ca, c -> ca.discardStandby(c) }
        'dropOldKey'             | 'the old key still signs (init)'       | { CaFixture h -> h.inTx { c -> h.ca.startRotation(c) } }                                     | { FederationCa ca, c -> ca.dropOldKey(c) }
    }

    private static X509Certificate leaf(CaFixture hub, String peer) {
        hub.issue(peer, pem(keys('Ed25519'))).certificate()
    }

    private static String bundle(CaFixture hub) {
        hub.authority.trustBundle().pem()
    }

    private static String signer(CaFixture hub, X509Certificate cert) {
        hub.inTx { c -> hub.authority.findByFingerprint(c, dev.entente.ca.crypto.Certificates.fingerprint(cert)) }.get().signerFingerprint()
    }

    private static Map<String, String> statuses(CaFixture hub) {
        hub.store.byPurpose(FederationCa.PURPOSE).collectEntries { [(it.id()): it.status()] }
    }
}
