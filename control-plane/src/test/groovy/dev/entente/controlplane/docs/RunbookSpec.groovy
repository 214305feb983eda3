package dev.entente.controlplane.docs

import dev.entente.client.cli.Main
import dev.entente.lifecycle.doctor.DoctorCode
import dev.entente.lifecycle.error.ErrorCode
import dev.entente.lifecycle.error.PublicCode
import spock.lang.Specification
import spock.lang.Unroll

import java.nio.file.Files
import java.nio.file.Path

/**
 * Every error code and every doctor code has a runbook section, and every command a runbook tells
 * operators to run parses.
 */
class RunbookSpec extends Specification {
    static final Path RUNBOOKS = Path.of('..', 'runbooks')

    @Unroll
    def "error code #code.code() has a section in #code.runbookFile().path()"() {
        given:
        String section = sectionOf(code)

        expect:
        section != null
        section.contains('**What you see.**')
        section.contains('**Why.**') || section.contains('See [')
        section.contains('**Fix.**') || section.contains('See [')

        where:
        code << ErrorCode.values()
    }

    @Unroll
    def "doctor code #code.code() (#code.checkName()) has a section in #code.runbookFile().path()"() {
        given:
        String section = sectionOf(code)

        expect:
        section != null
        ['**What you see.**', '**Why.**', '**Confirm.**', '**Fix.**', '**Escalate.**'].every { section.contains(it) }
        section.contains(code.code())

        where:
        code << DoctorCode.values()
    }

    @Unroll
    def "runbook command parses: #line"() {
        expect:
        Main.parses(tokens(line).drop(1) as String[])

        where:
        line << commandLines()
    }

    def "the runbooks do show commands"() {
        expect:
        commandLines().size() >= 10
    }

    /** The {@code ## <code>} section of a code's runbook file, the one its {@code runbook()} anchor points at. */
    static String sectionOf(PublicCode code) {
        sectionOf(Files.readString(Path.of('..').resolve(code.runbookFile().path())), code.code())
    }

    static String sectionOf(String text, String code) {
        def m = text =~ /(?ms)^## ${code}\s*$(.*?)(?=^## |\z)/
        m.find() ? m.group(1) : null
    }

    /** Lines of fenced code blocks and inline code spans that start with {@code entente }. */
    static List<String> commandLines() {
        List<String> lines = []
        Files.list(RUNBOOKS).filter { it.toString().endsWith('.md') }.sorted().forEach { Path f ->
            lines.addAll(commandsIn(Files.readAllLines(f)))
        }
        lines.unique()
    }

    /** The commands a piece of runbook shows: fenced lines and inline code spans starting with {@code entente }, in order. */
    static List<String> commandsIn(List<String> markdown) {
        List<String> lines = []
        boolean fenced = false
        markdown.each { String l ->
            if (l.trim().startsWith('```')) {
                fenced = !fenced
            } else if (fenced && l.trim().startsWith('entente ')) {
                lines << l.trim()
            }
            if (!fenced) {
                (l =~ /`(entente [^`]+)`/).each { lines << it[1] }
            }
        }
        lines
    }

    /** The {@code ## name} section of whichever runbook file has it; null when none does. */
    static String section(String name) {
        Files.list(RUNBOOKS).filter { it.toString().endsWith('.md') }.sorted().toList()
                .collect { sectionOf(Files.readString(it), name) }.find { it != null }
    }

    /** One part of a section ({@code Confirm}, {@code Fix}...): from its bold heading to the next part's. */
    static String part(String section, String heading) {
        def m = section =~ /(?s)\*\*${heading}\.\*\*(.*?)(?=\*\*(?:What you see|Why|Confirm|Fix|Escalate)\.\*\*|\z)/
        m.find() ? m.group(1) : ''
    }

    /** Shell-like splitting: whitespace separates, single and double quotes group. */
    static List<String> tokens(String line) {
        List<String> out = []
        def m = line =~ /"([^"]*)"|'([^']*)'|(\S+)/
        m.each { out << (it[1] ?: it[2] ?: it[3]) }
        out
    }
}
