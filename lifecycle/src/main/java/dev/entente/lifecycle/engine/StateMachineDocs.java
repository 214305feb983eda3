package dev.entente.lifecycle.engine;


import java.util.List;

/**
 * Generates {@code docs/state-machines.md} from the lifecycle definitions: a Mermaid diagram and
 * a transition table per lifecycle. A spec compares the checked-in file with a fresh rendering,
 * so the docs cannot drift from the code.
 */
public final class StateMachineDocs {
    /** How to regenerate the file from the repository root; the staleness spec prints it. */
    public static final String REGENERATE_COMMAND =
            "mvn -B -pl control-plane -am test -Dtest=StateMachineDocsSpec -Dsurefire.failIfNoSpecifiedTests=false "
                    + "-Dentente.docs.regenerate=true";

    private StateMachineDocs() {
    }

    /** The whole document for {@code definitions}; same input, same bytes. */
    public static String render(List<LifecycleDefinition<?, ?>> definitions) {
        StringBuilder out = new StringBuilder();
        out.append("# State machines\n\n");
        out.append("<!-- Generated from the lifecycle definitions by dev.entente.lifecycle.engine.StateMachineDocs; "
                + "do not edit. Regenerate: ").append(REGENERATE_COMMAND).append(" -->\n\n");
        out.append("Each lifecycle's transition table is data in its `*Transitions` class. An event not listed "
                + "for a state is rejected with `transition_rejected`, except that an event repeated on an "
                + "entity already in the state it leads to is a no-op. Guards are listed in the order they "
                + "are checked.\n");
        for (LifecycleDefinition<?, ?> d : definitions) {
            section(out, d);
        }
        return out.toString();
    }

    private static <S extends Enum<S> & LifecycleState, E extends Enum<E>> void section(
            StringBuilder out, LifecycleDefinition<S, E> d) {
        out.append("\n## ").append(d.entity()).append("\n\n");
        out.append("Table `").append(d.table().table()).append("`, initial state `").append(d.initial().value())
                .append("`, audit events `").append(d.auditPrefix()).append(".<state>`.\n\n");
        out.append("```mermaid\n").append(MermaidDiagram.stateDiagram(d)).append("```\n\n");
        out.append(MermaidDiagram.transitionTable(d)).append('\n');
        List<String> terminal = MermaidDiagram.terminalStates(d);
        out.append("Terminal: ").append(terminal.isEmpty() ? "none" : String.join(", ", terminal)).append(".\n");
    }
}
