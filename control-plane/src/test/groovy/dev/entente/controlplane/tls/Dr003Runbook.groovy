package dev.entente.controlplane.tls

import dev.entente.controlplane.TestHubs
import dev.entente.controlplane.docs.RunbookSpec
import dev.entente.controlplane.hub.RunningHub

/**
 * DR003's Confirm commands as the runbook shows them, run on a hub in a TLS mode that
 * {@code RunbookRunSpec}'s self-signed hubs do not cover: each must succeed (doctor may report a
 * fault with exit 1), and together they print what the operator reads.
 */
final class Dr003Runbook {
    private Dr003Runbook() {
    }

    static String confirm(RunningHub hub) {
        List<String> lines = RunbookSpec.commandsIn(RunbookSpec.part(RunbookSpec.section('DR003'), 'Confirm').readLines())
        assert !lines.isEmpty()
        lines.collect { String line ->
            List<String> args = RunbookSpec.tokens(line).drop(1)
            Map r = TestHubs.cli(hub, args as String[])
            assert r.code == 0 || (args[0] == 'doctor' && r.code == 1 && r.err.isBlank()): "$line: exit ${r.code}\n${r.out}\n${r.err}"
            r.out
        }.join('\n')
    }
}
