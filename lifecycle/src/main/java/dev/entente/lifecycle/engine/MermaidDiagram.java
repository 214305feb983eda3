package dev.entente.lifecycle.engine;

import java.util.ArrayList;
import java.util.List;

/**
 * Renders a lifecycle's transition table as a Mermaid {@code stateDiagram-v2} and as a Markdown
 * table. Output depends only on the definition (table order, enum order), so the same definition
 * always gives the same bytes and the checked-in docs can be compared byte for byte.
 */
public final class MermaidDiagram {
    private MermaidDiagram() {
    }

    /** The {@code stateDiagram-v2} source, without the Markdown fence. */
    public static <S extends Enum<S> & LifecycleState, E extends Enum<E>> String stateDiagram(
            LifecycleDefinition<S, E> definition) {
        StringBuilder out = new StringBuilder("stateDiagram-v2\n");
        out.append("    [*] --> ").append(definition.initial().value()).append('\n');
        for (Transition<S, E> t : definition.transitions()) {
            out.append("    ").append(t.from().value()).append(" --> ").append(t.to().value())
                    .append(": ").append(label(t)).append('\n');
        }
        for (S s : definition.states()) {
            if (definition.isTerminal(s)) {
                out.append("    ").append(s.value()).append(" --> [*]\n");
            }
        }
        return out.toString();
    }

    /** The table: one row per transition, in declaration order. */
    public static <S extends Enum<S> & LifecycleState, E extends Enum<E>> String transitionTable(
            LifecycleDefinition<S, E> definition) {
        StringBuilder out = new StringBuilder("| from | event | to | guard |\n|---|---|---|---|\n");
        for (Transition<S, E> t : definition.transitions()) {
            String to = t.to().value() + kind(t);
            String guard = t.guardOptional().map(g -> "`" + g.name() + "`").orElse("");
            out.append("| ").append(t.from().value())
                    .append(" | ").append(event(t.event()))
                    .append(" | ").append(to)
                    .append(" | ").append(guard).append(" |\n");
        }
        return out.toString();
    }

    /** States nothing leaves, in enum order. */
    public static <S extends Enum<S> & LifecycleState, E extends Enum<E>> List<String> terminalStates(
            LifecycleDefinition<S, E> definition) {
        List<String> out = new ArrayList<>();
        for (S s : definition.states()) {
            if (definition.isTerminal(s)) {
                out.add(s.value());
            }
        }
        return out;
    }

    // Mermaid ends a label at ';' and treats ':' specially: guard names are lower_snake joined by
    // ", ", which is safe inside [...].
    private static <S, E extends Enum<E>> String label(Transition<S, E> t) {
        StringBuilder label = new StringBuilder(event(t.event()));
        label.append(kind(t));
        t.guardOptional().ifPresent(g -> label.append(" [").append(g.name()).append(']'));
        return label.toString();
    }

    // A quiet transition writes no audit event: the docs say so, since an operator reading the
    // audit log would otherwise look for events that never come.
    private static String kind(Transition<?, ?> t) {
        if (t.quiet()) {
            return " (internal, quiet)";
        }
        return t.internal() ? " (internal)" : "";
    }

    private static String event(Enum<?> e) {
        return e.name();
    }
}
