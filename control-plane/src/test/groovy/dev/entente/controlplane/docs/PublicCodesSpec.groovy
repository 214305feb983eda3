package dev.entente.controlplane.docs

import dev.entente.lifecycle.doctor.DoctorCode
import dev.entente.lifecycle.audit.AuditActor
import dev.entente.lifecycle.audit.AuditEventType
import dev.entente.lifecycle.audit.EventSource
import dev.entente.lifecycle.engine.LifecycleDefinition
import dev.entente.lifecycle.error.ErrorCode
import dev.entente.lifecycle.error.PublicCode
import spock.lang.Specification
import spock.lang.Unroll

import java.nio.file.Files
import java.nio.file.Path

/**
 * Issue 12, registries for what operators see: error codes, doctor codes, audit event types and
 * event sources are spelled out and pinned by {@code docs/codes.txt}, so renaming a Java constant cannot change the
 * wire; every lifecycle transition's audit type is registered; emitters name types from the
 * registry, never as string literals. (RunbookSpec checks each code's runbook section,
 * AuditEventTypeSpec the registry's form and docs/audit-events.md.)
 */
class PublicCodesSpec extends Specification {
    // Surefire runs in the module directory; the repository root is one up.
    static final Path ROOT = Path.of('..')
    static final Path PINNED = ROOT.resolve('docs/codes.txt')

    static List<List<String>> pinned() {
        Files.readAllLines(PINNED).findAll { it.trim() && !it.startsWith('#') }.collect { it.trim().split(/\s+/) as List }
    }

    static List<List<String>> current() {
        ErrorCode.values().collect { ['error', it.code()] } +
                DoctorCode.values().collect { ['doctor', it.code(), it.checkName()] } +
                AuditEventType.values().collect { ['audit', it.value()] } +
                EventSource.values().collect { ['source', it.value()] }
    }

    @Unroll
    def "shipped #shown still exists, spelled the same"() {
        expect:
        line in current()

        where:
        line << pinned()
        shown = line.join(' ')
    }

    def "every code is pinned: a new one is added to docs/codes.txt"() {
        expect:
        assert (current() - pinned()).collect { it.join(' ') } == []:
                'add these lines to docs/codes.txt (and never change them afterwards)'
        pinned().size() == pinned().toSet().size()
    }

    def "error and doctor codes share one shape: codes unique across both, runbook anchor of the code"() {
        given: 'ErrorCodeSpec and DoctorExplainSpec check each set\'s own form'
        List<PublicCode> all = (ErrorCode.values() as List) + (DoctorCode.values() as List)

        expect:
        all*.code().toSet().size() == all.size()
        all.every { !it.title().isBlank() && it.runbook() == "${it.runbookFile().path()}#${it.code().toLowerCase()}" }
        DoctorCode.values().every { DoctorCode.find(it.code().toLowerCase()) == it && it.toString() == it.code() }
    }

    @Unroll
    def "lifecycle #definition.entity(): the audit type of every move is registered as a transition type"() {
        expect:
        definition.transitions().findAll { !it.quiet() }.every { t ->
            def type = AuditEventType.parse(definition.auditType(t.to()))
            assert type.isPresent(): "register ${definition.auditType(t.to())} in AuditEventType (and docs/codes.txt)"
            assert AuditActor.Party.TRANSITION in type.get().writers(): "${type.get()} is written by a transition"
            true
        }

        where:
        definition << Lifecycles.ALL
    }

    def "a transition type names a state of its lifecycle"() {
        given:
        Map<String, LifecycleDefinition> byPrefix = Lifecycles.ALL.collectEntries { [(it.auditPrefix()): it] }

        expect:
        AuditEventType.values().findAll { AuditActor.Party.TRANSITION in it.writers() }.every { type ->
            def d = byPrefix[type.entity()]
            assert d != null: "${type.value()}: no lifecycle has the audit prefix ${type.entity()}"
            assert d.states().any { d.auditType(it) == type.value() }: "${type.value()}: no such ${d.entity()} state"
            true
        }
    }

    def "main code names audit types from the registry, never as strings"() {
        given:
        Map<String, List<String>> calls = [:]
        Files.walk(ROOT).withCloseable { paths ->
            // AuditEvent.java itself holds the factories that turn a type into its string.
            paths.filter { it.toString() ==~ /.*\/src\/main\/java\/.*\.java/ && !it.toString().endsWith('/AuditEvent.java') }
                    .forEach { Path f -> calls[ROOT.relativize(f).toString()] = firstArguments(Files.readString(f)) }
        }
        def offending = calls.collectEntries { file, args ->
            [(file): args.findAll { !(it ==~ /(AuditEventType|EventSource)\.[A-Z_]+|\w+\.auditType\([\w.]*\)/) }]
        }.findAll { it.value }

        expect:
        calls.values().flatten().size() >= 30
        offending == [:]
    }

    /**
     * The first argument of every audit event factory call and constructor call in a source file,
     * whitespace collapsed: a type from the registry, a source (whose type the compiler then
     * requires from the registry), or a lifecycle definition's {@code auditType(state)}.
     */
    static List<String> firstArguments(String source) {
        List<String> out = []
        def m = source =~ /(?:AuditEvent\.of|new AuditEvent)\(/
        while (m.find()) {
            int depth = 0
            int i = m.end()
            StringBuilder arg = new StringBuilder()
            while (i < source.length()) {
                char ch = source.charAt(i)
                if (depth == 0 && (ch == ',' as char || ch == ')' as char)) {
                    break
                }
                if (ch == '(' as char) depth++
                if (ch == ')' as char) depth--
                arg.append(ch)
                i++
            }
            out << arg.toString().replaceAll(/\s+/, '')
        }
        out
    }
}
