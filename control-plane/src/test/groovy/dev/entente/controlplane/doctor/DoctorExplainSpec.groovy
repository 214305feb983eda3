package dev.entente.controlplane.doctor

import dev.entente.client.cli.Main
import dev.entente.lifecycle.doctor.DoctorCode
import dev.entente.lifecycle.doctor.DoctorRunbook
import spock.lang.Specification
import spock.lang.Unroll

/** {@code entente doctor --explain CODE} prints the bundled runbook section, with no hub to talk to. */
class DoctorExplainSpec extends Specification {

    @Unroll
    def "--explain #code prints its runbook section from the classpath"() {
        when:
        def r = run('doctor', '--explain', code.code().toLowerCase())

        then:
        r.code == 0
        r.out.startsWith("## ${code.code()}")
        ['**What you see.**', '**Why.**', '**Confirm.**', '**Fix.**', '**Escalate.**'].every { r.out.contains(it) }
        r.out.contains("(${DoctorRunbook.anchor(code)})")

        where:
        code << DoctorCode.values()
    }

    def "--explain with --output json gives the section and where it lives"() {
        when:
        def r = run('doctor', '--explain', 'DR006', '--output', 'json')

        then:
        r.code == 0
        def json = new groovy.json.JsonSlurper().parseText(r.out)
        json.code == 'DR006'
        json.name == 'stale_accepted_without_handshake'
        json.runbook == 'runbooks/peers-and-heartbeats.md#dr006'
        json.section.startsWith('## DR006')
    }

    def "an unknown code is refused with the list of codes"() {
        when:
        def r = run('doctor', '--explain', 'DR999')

        then:
        r.code == 1
        r.err.contains('invalid_request')
        r.err.contains('DR000, DR001')
    }

    private static Map run(String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(args, [:], new PrintWriter(out), new PrintWriter(err))
        [code: code, out: out.toString().trim(), err: err.toString()]
    }
}
