package dev.entente.lifecycle.engine

import dev.entente.lifecycle.approval.ApprovalLifecycle
import spock.lang.Specification

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path

/** {@code docs/state-machines.md} is generated from the definitions and must not go stale. */
class StateMachineDocsSpec extends Specification {
    // Surefire runs in the module directory; the docs live at the repository root.
    static final Path DOCS = Path.of('..', 'docs', 'state-machines.md')

    def "docs/state-machines.md matches the lifecycle definitions"() {
        given:
        String fresh = StateMachineDocs.render(StateMachineDocs.lifecycles())
        if (Boolean.getBoolean('entente.docs.regenerate')) {
            StateMachineDocs.main([DOCS.toString()] as String[])
        }

        expect:
        Files.exists(DOCS)
        String onDisk = Files.readString(DOCS, StandardCharsets.UTF_8)
        assert onDisk == fresh: "docs/state-machines.md is stale; regenerate it from the repository root with:\n    " +
                StateMachineDocs.REGENERATE_COMMAND + "\nand commit the result"
    }

    def "rendering is deterministic"() {
        expect:
        StateMachineDocs.render(StateMachineDocs.lifecycles()) == StateMachineDocs.render(StateMachineDocs.lifecycles())
    }

    def "the approval section shows every transition, its guards and the terminal states"() {
        when:
        String md = StateMachineDocs.render([ApprovalLifecycle.DEFINITION])

        then:
        md.contains('''```mermaid
stateDiagram-v2
    [*] --> pending
    pending --> approved: APPROVE [approver_not_requester, approver_has_role, not_expired]
    pending --> rejected: REJECT
    pending --> expired: EXPIRE
    approved --> executed: COMPLETE
    approved --> failed: FAIL
    executed --> [*]
    failed --> [*]
    rejected --> [*]
    expired --> [*]
```''')
        md.contains('| pending | APPROVE | approved | `approver_not_requester, approver_has_role, not_expired` |')
        md.contains('Terminal: executed, failed, rejected, expired.')
    }

    def "an internal transition is labelled as such"() {
        given:
        def d = new LifecycleDefinition<>('approval', dev.entente.lifecycle.approval.ApprovalState,
                dev.entente.lifecycle.approval.ApprovalEvent,
                [Transition.internal(dev.entente.lifecycle.approval.ApprovalState.PENDING,
                        dev.entente.lifecycle.approval.ApprovalEvent.EXPIRE)],
                dev.entente.lifecycle.approval.ApprovalState.PENDING, TableBinding.of('approvals'), 'approval')

        expect:
        MermaidDiagram.stateDiagram(d).contains('    pending --> pending: EXPIRE (internal)\n')
        MermaidDiagram.transitionTable(d).contains('| pending | EXPIRE | pending (internal) |  |')
    }
}
