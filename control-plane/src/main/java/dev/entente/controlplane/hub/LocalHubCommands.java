package dev.entente.controlplane.hub;

import dev.entente.ca.vault.Passphrases;
import dev.entente.client.cli.Main;
import dev.entente.client.local.LocalHub;
import dev.entente.controlplane.tls.TlsRenewal;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.ApplicationContext;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The server side of {@code entente start}, {@code worker}, {@code stop} and {@code restore}: the
 * CLI finds it through {@code META-INF/services/dev.entente.client.local.LocalHub}.
 */
public final class LocalHubCommands implements LocalHub {
    @Override
    public String runHub(Map<String, Object> flags, Path config, Path dataDir, Map<String, String> env, PrintWriter out)
            throws InterruptedException {
        RunningHub hub = HubLauncher.launch(flags, config, env, Clock.systemUTC());
        // SIGTERM and SIGINT run shutdown hooks: stop serving, then stop the embedded database.
        Runtime.getRuntime().addShutdownHook(new Thread(hub::stop, "entente-shutdown"));
        banner(out, hub.bean(HubIdentity.class), hub.bean(TlsState.class), hub.settings(), dataDir,
                hub.bean(TlsRenewal.class).atStart().orElse(null), env.getOrDefault(Passphrases.ENV, "").length() > 0);
        return hub.awaitStop();
    }

    @Override
    public void runWorker(Map<String, Object> flags, Path dataDir, Map<String, String> env, PrintWriter out)
            throws InterruptedException {
        ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).banner(false)
                .properties(flags).start();
        HubSettings settings = HubSettings.from(ctx, dataDir);
        if (settings.dbUrl() == null) {
            ctx.close();
            throw new EntenteException(ErrorCode.INVALID_REQUEST,
                    "the worker runs against a hub's database: pass --db-url (the embedded database is private to its hub)");
        }
        HubBootstrap.Booted boot;
        HubWorker worker;
        try {
            boot = HubBootstrap.boot(settings, env, Clock.systemUTC(), ctx);
        } catch (RuntimeException e) {
            ctx.close();
            throw e;
        }
        try {
            HubLauncher.register(ctx, boot);
            worker = ctx.getBean(HubWorker.class).start();
        } catch (RuntimeException e) {
            ctx.close();
            boot.closeDatabase();
            throw e;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            ctx.close();
            boot.closeDatabase();
            stopped.countDown();
        }, "entente-worker-shutdown"));
        out.println("Entente worker for hub " + boot.identity().hubId() + " running (scheduler "
                + worker.scheduler().instanceId() + "); heartbeats every "
                + settings.heartbeatInterval().toSeconds() + "s, stale sweep every " + settings.sweepInterval().toSeconds() + "s");
        out.flush();
        stopped.await();
    }

    @Override
    public Stopped stop(Path dataDir, Duration timeout, boolean force) {
        return HubStop.stop(dataDir, timeout, force, Main.class.getName());
    }

    @Override
    public Restored restore(Path archive, Path dataDir, char[] passphrase, boolean passphraseFromFile) {
        return HubRestore.restore(archive, dataDir, passphrase, passphraseFromFile, Clock.systemUTC());
    }

    /** What a start tells the operator: where things are, what a restore needs, what to run next. */
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
