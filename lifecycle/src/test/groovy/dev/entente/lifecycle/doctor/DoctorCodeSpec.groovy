package dev.entente.lifecycle.doctor

import com.fasterxml.jackson.databind.ObjectMapper
import spock.lang.Specification

/** The doctor code registry: codes and names spelled out, unique, and found however an operator types them. */
class DoctorCodeSpec extends Specification {

    def "codes and names are unique, names snake_case"() {
        expect:
        DoctorCode.values()*.checkName().unique().size() == DoctorCode.values().size()
        DoctorCode.values()*.code().unique().size() == DoctorCode.values().size()
        DoctorCode.values().every { it.checkName() ==~ /[a-z][a-z0-9_]+/ && it.code() ==~ /DR\d{3}/ }
    }

    def "#code is found by its code in any case, and prints as its code"() {
        expect:
        DoctorCode.find(code.code().toLowerCase()) == code
        DoctorCode.find(" ${code.code()} ") == code
        code.toString() == code.code()
        code.title() == code.checkName()

        where:
        code << DoctorCode.values()
    }

    def "an unknown code is none"() {
        expect:
        DoctorCode.find('DR999') == null
        DoctorCode.find(null) == null
    }

    def "a finding carries its code's name and usual severity unless a check changes it"() {
        when:
        def f = Finding.of(DoctorCode.DR008, 'heartbeats to peer b are failing', 'entente peers show 1', '1')

        then:
        f.name() == 'heartbeats_failing'
        f.severity() == Severity.WARNING
        f.withSeverity(Severity.ERROR).severity() == Severity.ERROR
        json(f) == [code: 'DR008', name: 'heartbeats_failing', severity: 'warning',
                      diagnosis: 'heartbeats to peer b are failing', next_command: 'entente peers show 1', subject: '1']
    }

    /** The JSON an API answer or the CLI shows, read back as plain values. */
    private static Map json(Object value) {
        new ObjectMapper().convertValue(value, Map)
    }
}
