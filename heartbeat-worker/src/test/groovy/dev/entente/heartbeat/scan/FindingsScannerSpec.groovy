package dev.entente.heartbeat.scan

import dev.entente.federation.doctor.Checks
import dev.entente.federation.doctor.DoctorCheck
import dev.entente.lifecycle.audit.AuditKey
import dev.entente.lifecycle.audit.AuditKeyring
import dev.entente.lifecycle.audit.AuditLog
import dev.entente.lifecycle.db.Tx
import dev.entente.lifecycle.doctor.DoctorCode
import dev.entente.lifecycle.doctor.Finding
import dev.entente.testkit.PostgresFixture
import groovy.sql.Sql
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.time.Clock
import java.time.Duration
import java.time.Instant

/**
 * The governance scan on a real database with checks whose conditions a spec switches on and off:
 * a condition opens one finding, holding it changes nothing but the last-seen time, clearing it
 * resolves the finding; each opening and resolution is audited once. Checks of codes the scan
 * does not store are not run. (FindingsSpec in control-plane runs it on a real hub.)
 */
@Stepwise
class FindingsScannerSpec extends Specification {
    static final Instant T0 = Instant.parse('2026-11-27T12:00:00Z')

    @Shared @AutoCleanup('close') def dataSource = PostgresFixture.migratedDatabase().dataSource()
    @Shared @AutoCleanup('close') Sql sql = Sql.newInstance(dataSource)
    @Shared List<Finding> expiring = []
    @Shared List<Finding> certificate = []
    @Shared int otherRuns = 0
    @Shared AuditLog audit = new AuditLog(new AuditKeyring() {
        AuditKey current() { new AuditKey('k1', new byte[32]) }

        Optional<AuditKey> byId(String id) { Optional.of(current()) }
    }, Clock.systemUTC())
    @Shared FindingsScanner scanner

    def setupSpec() {
        List<DoctorCheck> checks = [
                Checks.of(DoctorCode.DR017, true, { Instant now -> List.copyOf(expiring) } as Checks.Body),
                Checks.of(DoctorCode.DR003, false, { Instant now -> List.copyOf(certificate) } as Checks.Body),
                Checks.of(DoctorCode.DR008, true, { Instant now -> otherRuns++; [] } as Checks.Body)]
        scanner = new FindingsScanner(checks, new Tx(dataSource), audit)
    }

    def "a condition that holds opens a finding named for it, with the doctor's severity and diagnosis"() {
        given:
        expiring << Finding.of(DoctorCode.DR017, 'grant g1 of peer hub-b expires in 2d 0h', 'entente grants show g1', 'g1')
        certificate << Finding.of(DoctorCode.DR003, "the hub's TLS certificate expires soon", 'entente tls rotate', null)

        when:
        def outcome = scanner.scan(T0)

        then:
        outcome.opened()*.code() as Set == ['grant_expiring', 'cert_expiring'] as Set
        outcome.resolved().isEmpty()
        with(scanner.list(false).find { it.code() == 'grant_expiring' }) {
            subject() == 'g1'
            severity() == 'warning'
            detail() == 'grant g1 of peer hub-b expires in 2d 0h'
            firstSeenAt() == T0
            resolvedAt() == null
        }
        scanner.list(false).find { it.code() == 'cert_expiring' }.subject() == FindingsScanner.HUB_SUBJECT
        audited('finding.opened') == 2
        otherRuns == 0
    }

    def "a condition still holding opens nothing new; it only moves last-seen"() {
        when:
        def outcome = scanner.scan(T0 + Duration.ofMinutes(5))

        then:
        outcome.opened().isEmpty()
        outcome.resolved().isEmpty()
        outcome.open() == 2
        scanner.list(false).every { it.firstSeenAt() == T0 && it.lastSeenAt() == T0 + Duration.ofMinutes(5) }
        audited('finding.opened') == 2
    }

    def "a cleared condition resolves its finding once; the history keeps it"() {
        given:
        expiring.clear()

        when:
        def first = scanner.scan(T0 + Duration.ofMinutes(10))
        def second = scanner.scan(T0 + Duration.ofMinutes(15))

        then:
        first.resolved()*.code() == ['grant_expiring']
        second.resolved().isEmpty()
        scanner.list(false)*.code() == ['cert_expiring']
        scanner.list(true).find { it.code() == 'grant_expiring' }.resolvedAt() == T0 + Duration.ofMinutes(10)
        audited('finding.resolved') == 1
    }

    def "a check that throws fails the scan and resolves nothing"() {
        given:
        def failing = new FindingsScanner([Checks.of(DoctorCode.DR003, false, { Instant now ->
            throw new IllegalStateException('no certificate') } as Checks.Body)], new Tx(dataSource), audit)

        when:
        failing.scan(T0 + Duration.ofMinutes(20))

        then:
        thrown(IllegalStateException)
        scanner.list(false)*.code() == ['cert_expiring']
    }

    private int audited(String type) {
        sql.firstRow('SELECT count(*) AS n FROM audit_events WHERE type = ?', [type]).n as int
    }
}
