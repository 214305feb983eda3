package dev.entente.client.cli

import dev.entente.lifecycle.doctor.DoctorCode
import dev.entente.lifecycle.error.ErrorCode
import groovy.json.JsonSlurper
import spock.lang.Specification

/**
 * Issue 13: every code the CLI prints can be explained. {@code entente doctor --explain CODE}
 * prints the runbook section of any error code as of any doctor code, from the jar, without a hub.
 */
class DoctorExplainSpec extends Specification {

    def "entente doctor --explain #code prints its runbook section"() {
        when:
        def r = run('doctor', '--explain', code)

        then:
        r.code == 0
        r.out.startsWith('## ' + code)
        r.out.contains('**Fix.**') || r.out.contains('See [')

        where:
        code << ErrorCode.values()*.code() + DoctorCode.values()*.code()
    }

    def "--output json says which kind of code it is"() {
        expect:
        with(new JsonSlurper().parseText(run('doctor', '--explain', 'acceptance_token_used', '--output', 'json').out)) {
            code == 'acceptance_token_used'
            status == 409
            runbook == 'runbooks/tokens-and-handshake.md#acceptance_token_used'
        }
        new JsonSlurper().parseText(run('doctor', '--explain', 'DR005', '--output', 'json').out).severity != null
    }

    def "an unknown code is refused with where the codes are listed"() {
        when:
        def r = run('doctor', '--explain', 'no_such_code')

        then:
        r.code != 0
        r.err.contains('no doctor or error code no_such_code')
        r.err.contains('docs/codes.txt')
    }

    private static Map run(String... args) {
        def out = new StringWriter()
        def err = new StringWriter()
        int code = Main.run(args, [:], new PrintWriter(out), new PrintWriter(err))
        [code: code, out: out.toString().trim(), err: err.toString()]
    }
}
