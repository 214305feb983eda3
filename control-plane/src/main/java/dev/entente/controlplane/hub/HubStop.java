package dev.entente.controlplane.hub;

import dev.entente.client.local.LocalHub;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops the process that owns a data directory (a hub, or {@code entente worker}), however it was
 * started: in a terminal, in the background, by systemd. The directory's lock names the owner;
 * SIGTERM runs its shutdown hook, which stops serving and then the embedded PostgreSQL.
 */
public final class HubStop {
    private static final String FORMER_MAIN_CLASS = "dev.entente.controlplane.cli.Main";

    private HubStop() {
    }

    /**
     * Sends SIGTERM to the owner of {@code dataDir} and waits up to {@code timeout} for it to exit;
     * with {@code force}, then SIGKILL, and the embedded PostgreSQL it leaves behind is stopped too.
     *
     * @param mainClass the class a hub process runs, which its command line must name (or the Entente jar)
     */
    public static LocalHub.Stopped stop(Path dataDir, Duration timeout, boolean force, String mainClass) {
        long pid = DataDirLock.holder(dataDir).orElseThrow(() -> new EntenteException(ErrorCode.HUB_NOT_RUNNING,
                "no hub runs on data dir " + dataDir + " (nothing holds " + dataDir.resolve("hub.lock") + ")",
                Map.of("data_dir", dataDir.toString())));
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow(() -> new EntenteException(ErrorCode.HUB_NOT_RUNNING,
                "the lock of " + dataDir + " names pid " + pid + ", which does not exist here; is the data dir shared "
                        + "with another machine or container?", Map.of("data_dir", dataDir.toString(), "pid", pid)));
        // The pid is read from a file: never signal a process unless it shows itself as a hub.
        List<String> command = commandLine(process);
        if (!isEntente(command, mainClass)) {
            throw new EntenteException(ErrorCode.HUB_PROCESS_NOT_ENTENTE, "pid " + pid + " holds " + dataDir.resolve("hub.lock")
                    + " but its command line is not an Entente hub (" + (command.isEmpty() ? "unreadable" : shortened(String.join(" ", command)))
                    + "); nothing was signalled", Map.of("data_dir", dataDir.toString(), "pid", pid));
        }
        long started = System.nanoTime();
        if (!process.destroy()) {
            throw new EntenteException(ErrorCode.HUB_PROCESS_NOT_ENTENTE, "cannot signal pid " + pid
                    + " (another user's process?); run entente stop as the hub's user", Map.of("pid", pid));
        }
        if (exited(process, timeout)) {
            return new LocalHub.Stopped(pid, dataDir, false, Duration.ofNanos(System.nanoTime() - started));
        }
        if (!force) {
            throw new EntenteException(ErrorCode.HUB_STOP_TIMED_OUT, "hub (pid " + pid + ") did not exit within "
                    + timeout.toSeconds() + "s of SIGTERM; wait longer (--timeout) or kill it (--force)",
                    Map.of("data_dir", dataDir.toString(), "pid", pid));
        }
        process.destroyForcibly();
        if (!exited(process, Duration.ofSeconds(10))) {
            throw new EntenteException(ErrorCode.HUB_STOP_TIMED_OUT, "hub (pid " + pid + ") survived SIGKILL for 10s",
                    Map.of("data_dir", dataDir.toString(), "pid", pid));
        }
        // A killed hub cannot stop its PostgreSQL (pg_ctl detached it): do what its next start would.
        EmbeddedDatabase.stopStaleServer(dataDir.resolve("pg"));
        return new LocalHub.Stopped(pid, dataDir, true, Duration.ofNanos(System.nanoTime() - started));
    }

    /**
     * The process's argv, empty when the OS does not show it. Read from {@code /proc} first:
     * {@link ProcessHandle.Info#arguments()} gives nothing for a long command line (a hub's class path).
     */
    static List<String> commandLine(ProcessHandle process) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(process.pid()), "cmdline"));
            List<String> argv = new ArrayList<>();
            int start = 0;
            for (int i = 0; i < raw.length; i++) {
                if (raw[i] == 0) {
                    argv.add(new String(raw, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
            if (!argv.isEmpty()) {
                return argv;
            }
        } catch (IOException e) {
            // no /proc (not Linux) or not ours to read: ask the JDK
        }
        ProcessHandle.Info info = process.info();
        return info.command().map(c -> {
            List<String> all = new ArrayList<>();
            all.add(c);
            info.arguments().ifPresent(a -> all.addAll(List.of(a)));
            return all;
        }).orElse(List.of());
    }

    /**
     * Runs {@code mainClass}, by class name or as the Entente jar ({@code java -jar .../entente*.jar}),
     * or the main class a hub ran before the CLI had a module of its own: a hub started before an
     * upgrade must still stop.
     */
    static boolean isEntente(List<String> command, String mainClass) {
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            if (arg.equals(mainClass) || arg.equals(FORMER_MAIN_CLASS)) {
                return true;
            }
            if (arg.equals("-jar") && i + 1 < command.size()) {
                String jar = Path.of(command.get(i + 1)).getFileName().toString();
                return jar.startsWith("entente") && jar.endsWith(".jar");
            }
        }
        return false;
    }

    /** Enough of a command line to recognise it; a class path can run to pages. */
    private static String shortened(String commandLine) {
        return commandLine.length() <= 200 ? commandLine : commandLine.substring(0, 200) + "...";
    }

    private static boolean exited(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !process.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        }
    }
}
