package dev.entente.client.cli;

import dev.entente.client.local.LocalHub;
import dev.entente.federation.peer.Durations;
import dev.entente.lifecycle.error.EntenteException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code entente stop}: stops the hub that owns a data directory, however it was started. Exit
 * codes let scripts tell the outcomes apart without reading the message.
 */
@Command(name = "stop", description = "Stop the hub that owns the data dir (SIGTERM to the pid its lock names; it stops "
        + "serving, then its embedded PostgreSQL).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:stopped", "1:another failure", "3:no hub runs on the data dir (hub_not_running)",
                "4:the lock's holder is not an Entente hub; nothing signalled (hub_process_not_entente)",
                "5:still running after --timeout (hub_stop_timed_out)"})
final class StopCommand implements Callable<Integer> {
    static final int NOT_RUNNING = 3;
    static final int NOT_ENTENTE = 4;
    static final int TIMED_OUT = 5;

    @Spec
    CommandSpec spec;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long to wait for the hub to exit after SIGTERM (default 30s).")
    String timeout;

    @Option(names = "--force", description = "SIGKILL the hub if it is still running after --timeout.")
    boolean force;

    @Override
    public Integer call() {
        EntenteCommand root = (EntenteCommand) spec.root().userObject();
        String format = root.output();
        Duration wait = Durations.parse("--timeout", timeout, Duration.ofHours(1));
        Path dataDir = root.dataDir();
        LocalHub.Stopped stopped;
        try {
            stopped = LocalHub.installed("stop").stop(dataDir, wait, force);
        } catch (EntenteException e) {
            int exitCode = switch (e.code()) {
                case HUB_NOT_RUNNING -> NOT_RUNNING;
                case HUB_PROCESS_NOT_ENTENTE -> NOT_ENTENTE;
                case HUB_STOP_TIMED_OUT -> TIMED_OUT;
                default -> 1;
            };
            throw new CliException(e.toProblem(), exitCode);
        }
        PrintWriter out = spec.commandLine().getOut();
        if ("json".equals(format)) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("stopped", true);
            result.put("pid", stopped.pid());
            result.put("data_dir", stopped.dataDir().toString());
            result.put("forced", stopped.forced());
            result.put("took_ms", stopped.took().toMillis());
            out.println(Output.json(result));
        } else {
            out.println("stopped hub (pid " + stopped.pid() + ") on " + stopped.dataDir() + " in "
                    + String.format(Locale.ROOT, "%.1fs", stopped.took().toMillis() / 1000.0)
                    + (stopped.forced() ? ", killed with SIGKILL after " + timeout
                    + " (its embedded PostgreSQL stopped too)" : ""));
        }
        out.flush();
        return 0;
    }
}
