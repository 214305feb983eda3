package dev.entente.ca.tls

import dev.entente.ca.authority.CaFixture
import dev.entente.ca.tls.HubTlsCertificates.RenewalStep
import dev.entente.ca.vault.SealedKeyStore
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit

/**
 * The automatic renewal of the hub TLS certificate over a real database: the next key is made at
 * two thirds of a 30-day lifetime, announced, promoted after the announce time; an expired one is
 * replaced at once; an operator's rotation supersedes a pending next key.
 */
@Stepwise
class HubTlsRenewalSpec extends Specification {
    static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS)
    static final Duration ANNOUNCE = Duration.ofHours(1)
    static final Set<String> SANS = ['127.0.0.1'] as Set

    @Shared @AutoCleanup CaFixture fixture = new CaFixture()
    @Shared HubTlsCertificates certs
    @Shared String first
    @Shared String next

    def setupSpec() {
        certs = new HubTlsCertificates(fixture.store, Duration.ofDays(30))
        fixture.tx.inTransaction { c -> certs.createIfMissing(c, CaFixture.HUB, SANS, T0) }
        first = certs.active().fingerprint()
    }

    @Shared boolean peersPinned = true

    private HubTlsCertificates.Renewal renew(Instant now) {
        fixture.tx.inTransaction { c -> certs.renew(c, CaFixture.HUB, SANS, now, ANNOUNCE, { since -> peersPinned }) }
    }

    def "renewal is due at two thirds of the lifetime, counted from issuance"() {
        expect:
        certs.active().renewalDue() == T0.plus(Duration.ofDays(20))
        renew(T0.plus(Duration.ofDays(19))).step() == RenewalStep.NONE
        certs.next().isEmpty()
    }

    def "past it the next key is made and announced, the active one stays served"() {
        when:
        def r = renew(T0.plus(Duration.ofDays(20)).plusSeconds(1))
        next = r.key().fingerprint()

        then:
        r.step() == RenewalStep.PREPARED
        r.previous().fingerprint() == first
        certs.active().fingerprint() == first
        certs.next().get().fingerprint() == next
        renew(T0.plus(Duration.ofDays(20)).plusSeconds(2)).step() == RenewalStep.NONE
    }

    def "a peer that has not pinned it yet holds it back"() {
        given:
        peersPinned = false

        expect:
        renew(T0.plus(Duration.ofDays(20)).plus(ANNOUNCE).plusSeconds(2)).step() == RenewalStep.NONE
        certs.active().fingerprint() == first

        cleanup:
        peersPinned = true
    }

    def "once announced for the announce time and pinned, it is served and the first enters grace"() {
        when:
        def r = renew(T0.plus(Duration.ofDays(20)).plus(ANNOUNCE).plusSeconds(2))

        then:
        r.step() == RenewalStep.PROMOTED
        r.key().fingerprint() == next
        certs.active().fingerprint() == next
        certs.next().isEmpty()
        fixture.store.byPurpose(HubTlsCertificates.PURPOSE).find { it.fingerprint() == first }.status() == SealedKeyStore.GRACE
    }

    def "an expired certificate is replaced at once"() {
        given:
        def expiredAt = certs.active().notAfter()

        when:
        def r = renew(expiredAt.plusSeconds(60))

        then:
        r.step() == RenewalStep.REPLACED
        r.previous().fingerprint() == next
        certs.active().fingerprint() == r.key().fingerprint()
        certs.active().notAfter() == expiredAt.plusSeconds(60).plus(Duration.ofDays(30))
        fixture.store.byPurpose(HubTlsCertificates.PURPOSE).find { it.fingerprint() == first }.status() == SealedKeyStore.RETIRED
    }

    def "an operator's rotation retires a pending next key"() {
        given:
        def now = certs.active().renewalDue().plusSeconds(1)
        def pending = renew(now).key().fingerprint()

        when:
        fixture.tx.inTransaction { c -> certs.rotate(c, CaFixture.HUB, SANS, now) }

        then:
        certs.next().isEmpty()
        fixture.store.byPurpose(HubTlsCertificates.PURPOSE).find { it.fingerprint() == pending }.status() == SealedKeyStore.RETIRED
    }
}
