package dev.entente.controlplane.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import dev.entente.lifecycle.error.Problem;
import picocli.CommandLine;

import java.io.PrintWriter;
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
        CommandLine cli = commandLine(root);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
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
        });
        return cli.execute(args);
    }

    /** The command tree, also used by specs that check runbook command lines parse. */
    public static CommandLine commandLine(EntenteCommand root) {
        return new CommandLine(root).setCaseInsensitiveEnumValuesAllowed(true);
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
