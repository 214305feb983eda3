package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.entente.ca.vault.Passphrases;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code entente start --background}: the same command line minus {@code --background}, run by the
 * same java with the same class path as a detached process whose output goes to
 * {@code <data-dir>/hub.log}; returns once the new hub answers {@code /healthz}.
 */
final class BackgroundStart {
    /** A cold first start unpacks PostgreSQL and creates keys: on a loaded machine that takes a while. */
    static final Duration WAIT = Duration.ofMinutes(2);
    static final String LOG = "hub.log";
    /** JVM options a second JVM must not repeat: a debugger or agent would fight over its port or files. */
    private static final List<String> NOT_INHERITED = List.of("-agentlib:", "-agentpath:", "-javaagent:", "-Xdebug", "-Xrunjdwp");
    private static final List<String> SETSID = List.of("/usr/bin/setsid", "/bin/setsid");

    private BackgroundStart() {
    }

    static int run(EntenteCommand root, List<String> originalArgs, PrintWriter out, PrintWriter err) throws InterruptedException {
        Path dataDir = root.dataDir();
        Path log = dataDir.resolve(LOG);
        long logStart;
        try {
            Files.createDirectories(dataDir);
            logStart = Files.exists(log) ? Files.size(log) : 0;
        } catch (IOException e) {
            throw HubClient.problem(ErrorCode.DATA_DIR_UNUSABLE, "cannot use " + dataDir + ": " + e.getMessage());
        }
        ProcessBuilder pb = new ProcessBuilder(command(root, originalArgs));
        // The hub reads its settings from the environment the CLI was given (the process's, or a spec's).
        pb.environment().putAll(root.env);
        pb.redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process hub;
        try {
            hub = pb.start();
        } catch (IOException e) {
            throw HubClient.problem(ErrorCode.HUB_START_FAILED, "cannot start " + pb.command().get(0) + ": " + e.getMessage());
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!hub.isAlive()) {
                err.println(tail(log, logStart));
                err.flush();
                throw HubClient.problem(ErrorCode.HUB_START_FAILED, "the hub started in the background exited with "
                        + hub.exitValue() + "; its log is above and in " + log);
            }
            JsonNode local = hubJson(dataDir);
            // hub.json is written once the server listens; an older one names the previous process.
            if (local != null && local.path("pid").asLong() == hub.pid() && answers(local, err)) {
                banner(out, local, dataDir, hub.pid());
                return 0;
            }
            Thread.sleep(200);
        }
        throw HubClient.problem(ErrorCode.HUB_START_FAILED, "the hub started in the background (pid " + hub.pid()
                + ") did not answer /healthz within " + WAIT.toMinutes() + "m; it keeps starting: see " + log
                + ", then entente status or entente stop");
    }

    /** java, this JVM's options, class path and Main, then the arguments minus --background. */
    static List<String> command(EntenteCommand root, List<String> originalArgs) {
        List<String> command = new ArrayList<>();
        // A new session: closing the terminal (SIGHUP) or Ctrl-C in it does not reach the hub.
        SETSID.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst().ifPresent(command::add);
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (NOT_INHERITED.stream().noneMatch(option::startsWith)) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        for (String arg : originalArgs) {
            if (!arg.equals("--background") && !arg.startsWith("--background=")) {
                command.add(arg);
            }
        }
        if (root.dataDir == null) {
            // The same data dir even if the hub's environment would name another.
            command.add("--data-dir");
            command.add(root.dataDir().toString());
        }
        return command;
    }

    private static JsonNode hubJson(Path dataDir) {
        try {
            return Output.JSON.readTree(dataDir.resolve("hub.json").toFile());
        } catch (IOException e) {
            return null; // not written yet, or being replaced
        }
    }

    /** Whether /healthz answers at all: a degraded hub (503) is up too, and status says why. */
    private static boolean answers(JsonNode local, PrintWriter err) {
        Set<String> pins = new LinkedHashSet<>();
        pins.add(local.path("tls_fingerprint").asText());
        String url = local.path("url").asText();
        try {
            new HubClient(URI.create(url.endsWith("/") ? url : url + "/"), null, pins, err).get("healthz");
            return true;
        } catch (CliException e) {
            return !"hub_unreachable".equals(CliException.member(e.problem(), "code"));
        }
    }

    private static void banner(PrintWriter out, JsonNode local, Path dataDir, long pid) {
        String dd = dataDir.toString().contains(" ") ? "'" + dataDir + "'" : dataDir.toString();
        out.println("Entente hub " + local.path("hub_id").asText() + " is up in the background (pid " + pid + ")");
        out.println("  url          " + local.path("url").asText());
        out.println("  public url   " + local.path("public_url").asText());
        out.println("  tls pin      sha256:" + local.path("tls_fingerprint").asText());
        out.println("  data dir     " + dataDir);
        out.println("  log          " + dataDir.resolve(LOG));
        Path passphrase = dataDir.resolve(Passphrases.FILE_NAME);
        if (Files.exists(passphrase)) {
            out.println("  passphrase   " + passphrase + "  (mode 0600): a backup is useless without it, so keep a copy apart from the backups");
        }
        out.println();
        out.println("Next: entente status --data-dir " + dd + "; entente stop --data-dir " + dd);
        out.flush();
    }

    /** The last lines the new process wrote to the log. */
    static String tail(Path log, long from) {
        try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
            long start = Math.max(from, f.length() - 8192);
            byte[] bytes = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(bytes);
            return new String(bytes, StandardCharsets.UTF_8).stripTrailing();
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }
}
