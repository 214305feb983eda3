package dev.entente.lifecycle.audit

import spock.lang.Specification

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path

/**
 * Issue 12: audit event types live in one registry, each with an explicit wire string, who writes
 * it and what it records, listed in {@code docs/audit-events.md}. (control-plane's PublicCodesSpec
 * pins the strings and checks every lifecycle transition's type and every emitter against it.)
 */
class AuditEventTypeSpec extends Specification {
    // Surefire runs in the module directory; the docs live at the repository root.
    static final Path DOCS = Path.of('..', 'docs', 'audit-events.md')

    def "every type is unique and in lower.snake dotted form"() {
        given:
        def values = AuditEventType.values()*.value()

        expect:
        values.size() == values.toSet().size()
        values.findAll { !(it ==~ /[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+/) } == []
    }

    def "#type.value() says who writes it and what it records, and parses back"() {
        expect:
        !type.writers().isEmpty()
        type.writers().toSet().size() == type.writers().size()
        !type.description().isBlank()
        type.description() ==~ /[a-z].*/
        !type.description().endsWith('.')
        AuditEventType.parse(type.value()) == Optional.of(type)
        type.value().startsWith(type.entity() + '.')

        where:
        type << AuditEventType.values()
    }

    def "a hub source's type is written by that source's actor"() {
        expect:
        AuditEventType.PEER_TOKEN_EXPIRED.writers()*.shown() == ['system:token_expiry']
        AuditEventType.HEARTBEAT_DELIVERY_FAILED.writers() == [EventSource.HEARTBEAT]
        AuditEventType.RESOURCE_PUT.writers()*.shown() == ['<operator>', 'peer:<peer id>']
    }

    def "an unknown type is offered the types of its entity, or all when the entity is unknown too"() {
        expect:
        AuditEventType.parse(asked).isEmpty()
        AuditEventType.suggestions(asked).split(', ') as List == offered

        where:
        asked              || offered
        'worker.task_died' || ['worker.task_failed', 'worker.task_recovered', 'worker.clock_stepped', 'worker.paused', 'worker.resumed']
        'tls.renewed'      || ['tls.rotated']
        'nonsense'         || AuditEventType.values()*.value()
        'peers.accepted'   || AuditEventType.values()*.value()
    }

    def "event sources are spelled out, unique and snake_case"() {
        given:
        def values = EventSource.values()*.value()

        expect:
        values.size() == values.toSet().size()
        values.every { it ==~ /[a-z][a-z0-9_]*/ }
        EventSource.values().every { EventSource.parse(it.value()) == Optional.of(it) }
    }

    def "docs/audit-events.md matches the registry"() {
        given:
        if (Boolean.getBoolean('entente.docs.regenerate')) {
            Files.writeString(DOCS, AuditEventDocs.render(), StandardCharsets.UTF_8)
        }

        expect:
        assert Files.readString(DOCS, StandardCharsets.UTF_8) == AuditEventDocs.render():
                "docs/audit-events.md is stale; regenerate it from the repository root with:\n    " +
                        AuditEventDocs.REGENERATE_COMMAND + "\nand commit the result"
        AuditEventType.values().every { Files.readString(DOCS).contains("| `${it.value()}` |") }
    }
}
