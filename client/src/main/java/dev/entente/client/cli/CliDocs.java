package dev.entente.client.cli;

import picocli.AutoComplete;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes the shell completion and the man pages of the command tree, read from picocli's model so
 * they cannot drift from the commands. Run at build time ({@code package} phase):
 * {@code CliDocs <dir>} writes {@code <dir>/completion/entente.bash}, {@code <dir>/completion/_entente}
 * and {@code <dir>/man/man1/*.1}. Builds the command tree only: no hub, no database.
 */
public final class CliDocs {
    static final String FUNCTION = "_complete_entente";

    private CliDocs() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: CliDocs <output dir>");
        }
        write(Path.of(args[0]));
    }

    static void write(Path dir) throws IOException {
        CommandLine tree = tree();
        Path completion = Files.createDirectories(dir.resolve("completion"));
        Files.writeString(completion.resolve("entente.bash"), bash(tree));
        Files.writeString(completion.resolve("_entente"), zsh(tree));
        Path man = Files.createDirectories(dir.resolve("man/man1"));
        for (Map.Entry<String, String> page : manPages(tree).entrySet()) {
            Files.writeString(man.resolve(page.getKey()), page.getValue());
        }
    }

    static CommandLine tree() {
        return Main.commandLine(new EntenteCommand(Map.of()));
    }

    static String bash(CommandLine tree) {
        return AutoComplete.bash("entente", tree);
    }

    /**
     * zsh completes through the same bash function, run by zsh's bashcompinit. The file is an
     * autoloaded completion function ({@code #compdef}): its first call defines the bash function
     * (which registers itself for later calls) and answers the current one.
     */
    static String zsh(CommandLine tree) {
        String bash = bash(tree);
        return "#compdef entente\n"
                + "# zsh completion for entente: its bash completion, run through zsh's bashcompinit.\n"
                + "autoload -U +X bashcompinit && bashcompinit\n"
                + "# bash's compopt has no zsh counterpart, and the alias the bash script makes for it is not\n"
                + "# expanded here: zsh's completion system parses with aliases off.\n"
                + "(( $+functions[compopt] )) || compopt() { return 0 }\n"
                + bash + (bash.endsWith("\n") ? "" : "\n")
                + "_bash_complete -o default -F " + FUNCTION + "\n";
    }

    /** File name ({@code entente-peers-propose.1}) to troff source, one page per command path. */
    static Map<String, String> manPages(CommandLine tree) {
        Map<String, String> pages = new LinkedHashMap<>();
        collect(tree, pages);
        return pages;
    }

    private static void collect(CommandLine command, Map<String, String> pages) {
        if (command.getCommandSpec().usageMessage().hidden()) {
            return;
        }
        pages.put(ManPage.fileName(command.getCommandSpec()), ManPage.render(command.getCommandSpec()));
        for (Map.Entry<String, CommandLine> sub : command.getSubcommands().entrySet()) {
            // picocli lists a subcommand once per alias; its page is written under its own name
            if (sub.getKey().equals(sub.getValue().getCommandName())) {
                collect(sub.getValue(), pages);
            }
        }
    }
}
