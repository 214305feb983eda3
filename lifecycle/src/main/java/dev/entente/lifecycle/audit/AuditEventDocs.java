package dev.entente.lifecycle.audit;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Generates {@code docs/audit-events.md} from {@link AuditEventType}: one table per entity. A spec
 * compares the checked-in file with a fresh rendering, so the list cannot drift from the registry.
 */
public final class AuditEventDocs {
    /** How to regenerate the file from the repository root; the staleness spec prints it. */
    public static final String REGENERATE_COMMAND =
            "mvn -B -pl lifecycle -am test -Dtest=AuditEventTypeSpec -Dsurefire.failIfNoSpecifiedTests=false "
                    + "-Dentente.docs.regenerate=true";

    private AuditEventDocs() {
    }

    /** The whole document; same registry, same bytes. */
    public static String render() {
        StringBuilder out = new StringBuilder();
        out.append("# Audit event types\n\n");
        out.append("<!-- Generated from dev.entente.lifecycle.audit.AuditEventType by AuditEventDocs; do not edit. "
                + "Regenerate: ").append(REGENERATE_COMMAND).append(" -->\n\n");
        out.append("Every event in the audit chain has one of these types. `entente audit ls --type T` lists the "
                + "events operators and peers caused (`--all` adds the hub's own), `entente events --type T` the "
                + "hub's own; a type not listed here is refused with the valid ones. \"Written by\" is the event's "
                + "actor: an operator token's subject, `peer:<peer id>`, `anonymous`, or `system:<source>` for "
                + "the hub itself (`entente events --source <source>`). A *transition* type is written by the "
                + "lifecycle engine on every move into that state ([state-machines.md](state-machines.md)), with "
                + "whoever made the move as the actor. Types are never renamed or removed: old chains hold them.\n");
        Map<String, List<AuditEventType>> byEntity = new LinkedHashMap<>();
        for (AuditEventType t : AuditEventType.values()) {
            byEntity.computeIfAbsent(t.entity(), e -> new ArrayList<>()).add(t);
        }
        byEntity.forEach((entity, types) -> {
            out.append("\n## ").append(entity).append("\n\n");
            out.append("| type | written by | what it records |\n");
            out.append("|---|---|---|\n");
            for (AuditEventType t : types) {
                out.append("| `").append(t.value()).append("` | ").append(writers(t)).append(" | ")
                        .append(t.description()).append(" |\n");
            }
        });
        return out.toString();
    }

    private static String writers(AuditEventType t) {
        return t.writers().stream()
                .map(w -> w == AuditActor.Party.TRANSITION ? "*transition*" : "`" + w.shown() + "`")
                .collect(Collectors.joining(", "));
    }
}
