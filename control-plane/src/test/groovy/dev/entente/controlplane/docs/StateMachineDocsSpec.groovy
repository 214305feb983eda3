package dev.entente.controlplane.docs

import dev.entente.lifecycle.engine.StateMachineDocs
import spock.lang.Specification

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path

/** {@code docs/state-machines.md} is generated from every lifecycle definition and must not go stale. */
class StateMachineDocsSpec extends Specification {
    // Surefire runs in the module directory; the docs live at the repository root.
    static final Path DOCS = Path.of('..', 'docs', 'state-machines.md')

    def "docs/state-machines.md matches the lifecycle definitions"() {
        given:
        if (Boolean.getBoolean('entente.docs.regenerate')) {
            Lifecycles.main([DOCS.toString()] as String[])
        }

        expect:
        Files.exists(DOCS)
        assert Files.readString(DOCS, StandardCharsets.UTF_8) == Lifecycles.document():
                "docs/state-machines.md is stale; regenerate it from the repository root with:\n    " +
                        StateMachineDocs.REGENERATE_COMMAND + "\nand commit the result"
    }

    def "every lifecycle of the product is documented"() {
        expect:
        Lifecycles.ALL*.entity() == ['peer', 'grant', 'ca_rotation', 'approval']
        Lifecycles.document().contains('stateDiagram-v2')
    }
}
