package dev.entente.ca.tls

import dev.entente.ca.authority.CaFixture
import dev.entente.ca.crypto.Certificates
import dev.entente.ca.tls.HubTlsCertificates.RenewalStep
import dev.entente.ca.vault.SealedKeyStore
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.security.KeyPair
import java.security.KeyPairGenerator
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit

/**
 * Issue 17: certificates the hub did not make (custom files, ACME orders) over a real database.
 * They are checked before they are taken, staged as the next key, and served by the renewal's
 * own promotion: once announced and pinned, at once when nobody pins the hub yet.
 */
@Stepwise
class SuppliedCertificateSpec extends Specification {
    static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS)
    static final Duration ANNOUNCE = Duration.ofMinutes(1)

    @Shared @AutoCleanup CaFixture fixture = new CaFixture()
    @Shared HubTlsCertificates certs
    @Shared String selfMade
    @Shared SuppliedCertificate first
    @Shared SuppliedCertificate second

    def setupSpec() {
        certs = new HubTlsCertificates(fixture.store, Duration.ofDays(30))
        fixture.tx.inTransaction { c -> certs.createIfMissing(c, CaFixture.HUB, ['127.0.0.1'] as Set, T0) }
        selfMade = certs.active().fingerprint()
    }

    def "a #kind pair naming the hub is taken, with the algorithm sealed_keys records"() {
        given:
        def kp = keys.call()

        when:
        def s = SuppliedCertificate.of(certPem(kp, ['hub.example.org']), keyPem(kp), 'hub.example.org')

        then:
        s.algorithm() == algorithm
        s.chain().size() == 1

        where:
        kind      | keys                       | algorithm
        'Ed25519' | { Certificates.ed25519() } | 'Ed25519'
        'ECDSA'   | { Certificates.ecP256() }  | 'EC-P256'
        'RSA'     | { rsa(2048) }              | 'RSA'
    }

    def "refused: #problem"() {
        when:
        SuppliedCertificate.of(cert.call(), key.call(), 'hub.example.org')

        then:
        def e = thrown(IllegalArgumentException)
        e.message.startsWith(part + ': ')
        e.message.contains(says)

        where:
        problem              | cert                                                   | key                                  | part          | says
        'another key'        | { certPem(Certificates.ecP256(), ['hub.example.org']) } | { keyPem(Certificates.ecP256()) }    | 'key'         | 'does not belong'
        'another name'       | { certPem(PAIR, ['elsewhere.example.org']) }           | { keyPem(PAIR) }                     | 'certificate' | 'hub.example.org'
        'a weak RSA key'     | { certPem(WEAK, ['hub.example.org']) }                 | { keyPem(WEAK) }                     | 'key'         | '1024 bits'
        'no key at all'      | { certPem(PAIR, ['hub.example.org']) }                 | { certPem(PAIR, ['hub.example.org']) } | 'key'       | 'a certificate'
        'no certificate'     | { '' }                                                 | { keyPem(PAIR) }                     | 'certificate' | 'PEM certificate'
    }

    def "a wildcard covers one label, an IP address its own SAN"() {
        given:
        def cert = Certificates.parsePem(certPem(PAIR, ['*.example.org', '10.0.0.7']))[0]

        expect:
        SuppliedCertificate.covers(cert, 'hub.example.org')
        !SuppliedCertificate.covers(cert, 'a.hub.example.org')
        SuppliedCertificate.covers(cert, '10.0.0.7')
        !SuppliedCertificate.covers(cert, '10.0.0.8')
    }

    def "staged as the next key; staging it again, or what is served, changes nothing"() {
        given:
        first = SuppliedCertificate.of(certPem(PAIR, ['hub.example.org']), keyPem(PAIR), 'hub.example.org')

        when:
        def staged = fixture.tx.inTransaction { c -> certs.stageSupplied(c, first) }

        then:
        staged.get().fingerprint() == first.fingerprint()
        certs.next().get().fingerprint() == first.fingerprint()
        certs.next().get().privateKey().algorithm == 'EC'
        fixture.tx.inTransaction { c -> certs.stageSupplied(c, first) }.isEmpty()
        certs.active().fingerprint() == selfMade
    }

    def "not served before it was announced long enough and pinned"() {
        expect:
        promote(Instant.now(), false, false).step() == RenewalStep.NONE
        promote(Instant.now().plus(ANNOUNCE).plusSeconds(5), false, false).step() == RenewalStep.NONE
        certs.active().fingerprint() == selfMade
    }

    def "served once pinned after the announcement; the previous one enters grace"() {
        when:
        def r = promote(Instant.now().plus(ANNOUNCE).plusSeconds(5), true, false)

        then:
        r.step() == RenewalStep.PROMOTED
        r.previous().fingerprint() == selfMade
        certs.active().fingerprint() == first.fingerprint()
        certs.active().chain()*.encoded == first.chain()*.encoded
        fixture.tx.inTransaction { c -> certs.stageSupplied(c, first) }.isEmpty()
    }

    def "served at once when nobody pins the hub yet"() {
        given:
        KeyPair kp = rsa(2048)
        second = SuppliedCertificate.of(certPem(kp, ['hub.example.org']), keyPem(kp), 'hub.example.org')
        fixture.tx.inTransaction { c -> certs.stageSupplied(c, second) }

        when:
        def r = promote(Instant.now(), false, true)

        then:
        r.step() == RenewalStep.PROMOTED
        certs.active().fingerprint() == second.fingerprint()
        certs.active().privateKey().algorithm == 'RSA'
    }

    def "a certificate put back after it was replaced is announced again from its old row"() {
        when:
        def staged = fixture.tx.inTransaction { c -> certs.stageSupplied(c, first) }

        then:
        staged.get().fingerprint() == first.fingerprint()
        fixture.store.byPurpose(HubTlsCertificates.PURPOSE).findAll { it.status() == SealedKeyStore.NEXT }*.fingerprint() == [first.fingerprint()]
    }

    static final KeyPair PAIR = Certificates.ecP256()
    static final KeyPair WEAK = rsa(1024)

    private HubTlsCertificates.Renewal promote(Instant now, boolean pinned, boolean nobodyPins) {
        fixture.tx.inTransaction { c -> certs.promoteSupplied(c, now, ANNOUNCE, { since -> pinned }, nobodyPins) }
    }

    static String certPem(KeyPair kp, List<String> sans) {
        Certificates.toPem(Certificates.selfSigned(kp, 'hub', sans as Set, Instant.now().minusSeconds(60), Duration.ofDays(60)))
    }

    static String keyPem(KeyPair kp) {
        Certificates.pem('PRIVATE KEY', kp.private.encoded)
    }

    static KeyPair rsa(int bits) {
        def g = KeyPairGenerator.getInstance('RSA')
        g.initialize(bits)
        g.generateKeyPair()
    }
}
