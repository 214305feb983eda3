package dev.entente.controlplane.cli;

import dev.entente.ca.vault.Passphrases;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubLauncher;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.hub.PublicUrlCheck;
import dev.entente.controlplane.hub.RunningHub;
import dev.entente.federation.renewal.TlsRenewal;
import dev.entente.ca.tls.TlsState;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
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
        // The flags become HubLauncher's highest-precedence Micronaut property source.
        Map<String, Object> flags = new LinkedHashMap<>();
        // Only when given: a data dir from ENTENTE_DATA_DIR is the environment's, as config show says.
        putIf(flags, "entente.data-dir", root.dataDir == null ? null : root.dataDir().toString());
        putIf(flags, "entente.hub.bind", bind);
        putIf(flags, "entente.hub.port", port);
        putIf(flags, "entente.hub.name", name);
        putIf(flags, "entente.hub.public-url", publicUrl);
        putIf(flags, "entente.log.format", logFormat);
        putIf(flags, "entente.db.url", dbUrl);
        RunningHub hub = HubLauncher.launch(flags, config, root.env, Clock.systemUTC());
        // SIGTERM and SIGINT run shutdown hooks: stop serving, then stop the embedded database.
        Runtime.getRuntime().addShutdownHook(new Thread(hub::stop, "entente-shutdown"));
        banner(spec.commandLine().getOut(), hub.bean(HubIdentity.class), hub.bean(TlsState.class), hub.settings(),
                root.dataDir(), hub.bean(TlsRenewal.class).atStart().orElse(null),
                root.env.getOrDefault(Passphrases.ENV, "").length() > 0);
        String fatal = hub.awaitStop();
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

    static void banner(PrintWriter out, HubIdentity hub, TlsState tls, HubSettings settings, Path dataDir,
                       String tlsRenewed, boolean passphraseFromEnv) {
        String dd = dataDir.toString().contains(" ") ? "'" + dataDir + "'" : dataDir.toString();
        out.println();
        out.println("Entente hub " + hub.hubId() + " (" + hub.name() + ") is up");
        out.println("  listening    " + hub.listening() + "  (TLS 1.3)");
        out.println("  public url   " + hub.publicUrl());
        out.println("  tls pin      sha256:" + tls.current().fingerprint());
        if (tlsRenewed != null) {
            out.println("  tls renewed  " + tlsRenewed);
        }
        out.println("  data dir     " + dataDir);
        out.println("  database     " + hub.embeddedDatabase()
                .map(db -> "embedded PostgreSQL in " + db.directory()).orElse("external (--db-url)"));
        out.println("  admin token  " + dataDir.resolve("admin.token") + "  (mode 0600)");
        out.println("  passphrase   " + (passphraseFromEnv ? "from " + Passphrases.ENV
                : dataDir.resolve(Passphrases.FILE_NAME) + "  (mode 0600)")
                + ": it unseals the keys; a backup is useless without it, so keep a copy apart from the backups");
        if (settings.drillMode()) {
            out.println("  WARNING      drill mode is on: proposed peers without a token digest accept any caller");
        }
        PublicUrlCheck.warnings(hub.publicUrl(), settings.publicUrl() != null, settings.bind())
                .forEach(w -> out.println("  WARNING      " + w));
        out.println();
        out.println("Next: bin/entente peers propose --name <partner hub> --data-dir " + dd);
        out.println("      (gives a one-time token for the partner's 'entente peers accept'); bin/entente status --data-dir " + dd);
        out.flush();
    }
}
