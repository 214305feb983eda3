package dev.entente.client.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.List;

/**
 * {@code entente help [COMMAND...]}: the usage page of the command the words name, however deep
 * ({@code help tls info}). Picocli's own help command reads only the first word, so {@code help
 * tls info} showed the page for {@code tls}.
 */
@Command(name = "help", helpCommand = true, mixinStandardHelpOptions = false,
        description = "Show the usage page of a command: entente help peers accept.")
public final class HelpCommand implements CommandLine.IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command, with its subcommands, to show.")
    List<String> words = List.of();

    private CommandLine self;
    private CommandLine.Help.ColorScheme colors;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out, PrintWriter err) {
        this.self = helpCommandLine;
        this.colors = colorScheme;
    }

    @Override
    public void run() {
        CommandLine target = self.getParent();
        for (String word : words) {
            CommandLine next = target.getSubcommands().get(word);
            if (next == null) {
                throw new CommandLine.ParameterException(self, "Unknown command '" + word + "' under '"
                        + target.getCommandSpec().qualifiedName() + "'; its commands: "
                        + String.join(", ", target.getSubcommands().keySet()));
            }
            target = next;
        }
        // Commands print through the writers Main configured, not System.out.
        target.usage(target.getOut(), colors);
    }
}
