package dev.entente.controlplane.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code entente findings list [--all]}. */
@Command(name = "findings", description = "What the governance scan found; findings close by themselves when fixed.",
        subcommands = {FindingsCommand.ListFindings.class})
final class FindingsCommand {
    @Command(name = "list", description = "List open findings, oldest first.")
    static final class ListFindings extends ClientCommand {
        @Option(names = "--all", description = "Include resolved findings.")
        boolean all;

        @Override
        public Integer call() {
            return print(client().get("api/v1/findings" + (all ? "?all=true" : "")));
        }
    }
}
