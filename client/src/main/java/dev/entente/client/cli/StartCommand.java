package dev.entente.client.cli;

import dev.entente.client.local.LocalHub;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code entente start}: runs a hub in the foreground until SIGTERM or SIGINT, or detached with {@code --background}. */
@Command(name = "start", description = "Start a hub (embedded PostgreSQL unless --db-url).")
final class StartCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Listen address (default 0.0.0.0).")
    String bind;

    @Option(names = "--port", paramLabel = "N", description = "Listen port (default 7443).")
    Integer port;

    @Option(names = {"-n", "--name"}, paramLabel = "NAME", description = "Hub name (default: host name); used on first start.")
    String name;

    @Option(names = "--public-url", paramLabel = "URL",
            description = "URL peers reach this hub at (default https://<host name>:<port>).")
    String publicUrl;

    @Option(names = "--log-format", paramLabel = "FORMAT", description = "text (default) or json: one JSON object per log line.")
    String logFormat;

    @Option(names = "--db-url", paramLabel = "URL", description = "External PostgreSQL JDBC URL instead of the embedded one.")
    String dbUrl;

    @Option(names = "--config", paramLabel = "FILE", description = "Configuration file (default <data-dir>/entente.yml).")
    Path config;

    @Option(names = "--background", description = "Run the hub as a detached process logging to <data-dir>/hub.log; "
            + "return once it answers /healthz (stop it with entente stop).")
    boolean background;

    @Override
    public Integer call() throws InterruptedException {
        EntenteCommand root = (EntenteCommand) spec.root().userObject();
        if (background) {
            return BackgroundStart.run(root, spec.root().commandLine().getParseResult().originalArgs(),
                    spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        // The flags become the hub's settings of highest precedence (over env and entente.yml).
        Map<String, Object> flags = new LinkedHashMap<>();
        // Only when given: a data dir from ENTENTE_DATA_DIR is the environment's, as config show says.
        putIf(flags, "entente.data-dir", root.dataDir == null ? null : root.dataDir().toString());
        putIf(flags, "entente.hub.bind", bind);
        putIf(flags, "entente.hub.port", port);
        putIf(flags, "entente.hub.name", name);
        putIf(flags, "entente.hub.public-url", publicUrl);
        putIf(flags, "entente.log.format", logFormat);
        putIf(flags, "entente.db.url", dbUrl);
        String fatal = LocalHub.installed("start").runHub(flags, config, root.dataDir(), root.env, spec.commandLine().getOut());
        if (fatal != null) {
            // Non-zero, so that systemd (Restart=on-failure) or any supervisor starts the hub again.
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, fatal
                    + "; see <data-dir>/pg/postmaster.log, then start the hub again");
        }
        return 0;
    }

    private static void putIf(Map<String, Object> flags, String key, Object value) {
        if (value != null) {
            flags.put(key, value);
        }
    }
}
