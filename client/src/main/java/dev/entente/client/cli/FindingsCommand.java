package dev.entente.client.cli;

import dev.entente.client.cli.Output.Column;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;

/** {@code entente findings list [--all]}. */
@Command(name = "findings", description = "What the governance scan found; findings close by themselves when fixed.",
        subcommands = {FindingsCommand.ListFindings.class})
final class FindingsCommand {
    @Command(name = "list", description = "List open findings, oldest first.")
    static final class ListFindings extends ClientCommand {
        @Option(names = "--all", description = "Include resolved findings.")
        boolean all;

        static final List<Column> COLUMNS = List.of(Column.field("CODE", "code"), Column.field("SEVERITY", "severity"),
                Column.field("SUBJECT", "subject"), Column.age("FIRST SEEN", "first_seen_at"), Column.age("RESOLVED", "resolved_at"),
                Column.field("DETAIL", "detail"));

        @Override
        public Integer call() {
            return print(client().get("api/v1/findings" + (all ? "?all=true" : "")), COLUMNS);
        }
    }
}
