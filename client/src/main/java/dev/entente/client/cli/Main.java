package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code bin/entente}: picocli over the admin API, plus {@code start}. Exit 0 on success; on
 * failure, non-zero with the problem on stderr (its JSON with {@code --output json}).
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs one command line; the specs call this with their own writers and environment. */
    public static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        EntenteCommand root = new EntenteCommand(env);
        CommandLine cli = leanCommandLine(root, args);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler(new ProblemPrinter(root, err));
        return cli.execute(args);
    }

    /**
     * Prints a failed command's problem and picks its exit code. A class, not a lambda: a lambda
     * of a picocli interface makes the class-sharing dump link picocli's Java 5 classes, which
     * JDK 17 then leaves out of the archive (CommandLine alone is a 400 KB class file to parse).
     */
    private static final class ProblemPrinter implements CommandLine.IExecutionExceptionHandler {
        private final EntenteCommand root;
        private final PrintWriter err;

        ProblemPrinter(EntenteCommand root, PrintWriter err) {
            this.root = root;
            this.err = err;
        }

        @Override
        public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            JsonNode problem;
            int exitCode = 1;
            if (e instanceof CliException c) {
                problem = c.problem();
                exitCode = c.exitCode();
            } else if (e instanceof EntenteException ee) {
                problem = new CliException(ee.toProblem()).problem();
            } else {
                problem = new CliException(Problem.of(ErrorCode.INTERNAL_ERROR, String.valueOf(e))).problem();
            }
            if ("json".equals(root.output)) {
                err.println(Output.json(problem));
            } else {
                err.println("error: " + CliException.member(problem, "code") + ": " + CliException.member(problem, "detail"));
                err.println("  runbook: " + CliException.member(problem, "runbook"));
            }
            err.flush();
            return exitCode;
        }
    }

    /** The whole command tree, also used by specs that check runbook command lines parse. */
    public static CommandLine commandLine(EntenteCommand root) {
        CommandLine cli = new CommandLine(root);
        EntenteCommand.SUBCOMMANDS.values().forEach(cli::addSubcommand);
        return cli.setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * The root with only the subcommand {@code args} run. Picocli reflects over every class of the
     * tree it is given; for a client call the other subtrees are a third of its start. The
     * usage page, {@code help} and a word that is no command get the whole tree; {@code --version}
     * needs none of it.
     */
    static CommandLine leanCommandLine(EntenteCommand root, String[] args) {
        CommandLine cli = new CommandLine(root);
        String word = firstWord(cli, args);
        Class<?> only = EntenteCommand.SUBCOMMANDS.get(word);
        boolean versionOnly = word == null && List.of(args).stream().anyMatch(a -> a.equals("-V") || a.equals("--version"))
                && List.of(args).stream().noneMatch(a -> a.equals("-h") || a.equals("--help"));
        if (only != null && only != HelpCommand.class) {
            cli.addSubcommand(only);
        } else if (!versionOnly) {
            EntenteCommand.SUBCOMMANDS.values().forEach(cli::addSubcommand);
        }
        return cli.setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** The first argument that is neither a root option nor its value; null when there is none. */
    private static String firstWord(CommandLine root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if ("--".equals(arg)) {
                return i + 1 < args.length ? args[i + 1] : null;
            }
            if (!arg.startsWith("-")) {
                return arg;
            }
            CommandLine.Model.OptionSpec option = arg.contains("=") ? null : root.getCommandSpec().findOption(arg);
            if (option != null && option.arity().max() > 0) {
                i++;
            }
        }
        return null;
    }

    /** Parses without running: true when {@code args} is a valid command line. */
    public static boolean parses(String[] args) {
        try {
            commandLine(new EntenteCommand(Map.of())).parseArgs(args);
            return true;
        } catch (CommandLine.ParameterException e) {
            return false;
        }
    }
}
