package dev.entente.federation.doctor

import com.fasterxml.jackson.databind.ObjectMapper
import dev.entente.lifecycle.doctor.DoctorCode
import dev.entente.lifecycle.doctor.Finding
import dev.entente.lifecycle.doctor.Severity
import spock.lang.Specification

import java.time.Duration
import java.time.Instant

/** The doctor's runner on its own, with checks made of closures: what a failing check or a lost database does to a report. */
class DoctorSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-11-27T12:00:00Z')

    static DoctorCheck check(DoctorCode code, boolean needsDatabase, Closure<List<Finding>> body) {
        Checks.of(code, needsDatabase, { Instant now -> body(now) } as Checks.Body)
    }

    def "every check runs at the given time; findings come worst first, then by code"() {
        given:
        def seen = []
        def doctor = new Doctor([
                check(DoctorCode.DR007, true) { now -> seen << now; [Finding.of(DoctorCode.DR007, 'degraded', 'entente peers list', 'p1')] },
                check(DoctorCode.DR003, false) { now -> seen << now; [Finding.of(DoctorCode.DR003, 'expiring', 'entente tls rotate', null)] },
                check(DoctorCode.DR010, true) { now -> seen << now; [Finding.of(DoctorCode.DR010, 'other protocol', 'entente peers list', 'p2')] }])

        when:
        def report = doctor.run(NOW)

        then:
        seen == [NOW, NOW, NOW]
        report.findings()*.code() == [DoctorCode.DR010, DoctorCode.DR003, DoctorCode.DR007]
        !report.ok()
        json(report).findings*.severity == ['error', 'warning', 'warning']
    }

    def "DR000: a check that throws is its own error finding, and the others still report"() {
        given:
        def doctor = new Doctor([
                check(DoctorCode.DR012, true) { now -> throw new IllegalStateException('outer', new IOException('disk gone')) },
                check(DoctorCode.DR017, true) { now -> [Finding.of(DoctorCode.DR017, 'grant expires', 'entente grants list', 'g1')] }])

        when:
        def report = doctor.run(NOW)

        then:
        report.findings()*.code() == [DoctorCode.DR000, DoctorCode.DR017]
        with(report.findings()[0]) {
            severity() == Severity.ERROR
            diagnosis() == 'check DR012 (rotation_stuck) failed: IOException: disk gone'
            nextCommand() == 'entente doctor --explain DR012'
            subject() == 'DR012'
        }
    }

    def "DR001: with the database down the checks that read it are skipped, and the DR001 finding counts them"() {
        given:
        def ran = []
        def doctor = new Doctor([
                check(DoctorCode.DR001, false) { now -> [Finding.of(DoctorCode.DR001, 'PostgreSQL is unreachable', 'entente doctor --explain DR001', null)] },
                check(DoctorCode.DR003, false) { now -> ran << 'DR003'; [] },
                check(DoctorCode.DR006, true) { now -> ran << 'DR006'; [] },
                check(DoctorCode.DR014, true) { now -> ran << 'DR014'; [] }])

        when:
        def report = doctor.run(NOW)

        then:
        ran == ['DR003']
        report.findings().size() == 1
        report.findings()[0].diagnosis() == 'PostgreSQL is unreachable; 2 checks that read the database were skipped'
    }

    def "a clean run is ok and reports nothing"() {
        expect:
        with(new Doctor([check(DoctorCode.DR001, false) { [] }, check(DoctorCode.DR006, true) { [] }]).run(NOW)) {
            ok()
            findings().isEmpty()
        }
    }

    def "Checks.human says how long in at most two units: #duration"() {
        expect:
        Checks.human(duration) == text

        where:
        duration                                  | text
        Duration.ofSeconds(40)                    | '40s'
        Duration.ofSeconds(125)                   | '2m 5s'
        Duration.ofMinutes(125)                   | '2h 5m'
        Duration.ofHours(50)                      | '2d 2h'
        Duration.ofSeconds(-5)                    | '0s'
    }

    /** The JSON an API answer or the CLI shows, read back as plain values. */
    private static Map json(Object value) {
        new ObjectMapper().convertValue(value, Map)
    }
}
