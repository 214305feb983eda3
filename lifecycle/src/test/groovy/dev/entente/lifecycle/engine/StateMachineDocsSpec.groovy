package dev.entente.lifecycle.engine

import dev.entente.lifecycle.approval.ApprovalLifecycle
import spock.lang.Specification

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path

/** The generated state-machine document (control-plane's StateMachineDocsSpec checks the file itself). */
class StateMachineDocsSpec extends Specification {
    def "rendering is deterministic"() {
        expect:
        StateMachineDocs.render([ApprovalLifecycle.DEFINITION]) == StateMachineDocs.render([ApprovalLifecycle.DEFINITION])
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
