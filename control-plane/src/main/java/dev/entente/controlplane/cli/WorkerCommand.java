package dev.entente.controlplane.cli;

import dev.entente.controlplane.api.worker.PauseRequest;
import dev.entente.controlplane.api.worker.ResumeRequest;
import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.controlplane.hub.HubLauncher;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.controlplane.hub.HubWorker;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.ApplicationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code entente worker}: the heartbeat sender and stale sweep alone, against a hub's database
 * (clustered with the hubs' in-process workers: each job fires once per interval). It needs the
 * same key passphrase as the hub, since heartbeats use the sealed node keys.
 */
@Command(name = "worker", description = "Run the background jobs alone against a hub's PostgreSQL (--db-url); "
        + "or pause and resume them on every replica.",
        subcommands = {WorkerCommand.Pause.class, WorkerCommand.Resume.class, WorkerCommand.Pauses.class})
final class WorkerCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--db-url", paramLabel = "URL", description = "The hub's PostgreSQL JDBC URL (required unless in entente.yml/env).")
    String dbUrl;

    @Override
    public Integer call() throws InterruptedException {
        EntenteCommand root = (EntenteCommand) spec.root().userObject();
        // The flags become HubLauncher's highest-precedence Micronaut property source.
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("entente.data-dir", root.dataDir().toString());
        if (dbUrl != null) {
            flags.put("entente.db.url", dbUrl);
        }
        ApplicationContext ctx = ApplicationContext.builder().deduceEnvironment(false).banner(false)
                .properties(flags).start();
        HubSettings settings = HubSettings.from(ctx, root.dataDir());
        if (settings.dbUrl() == null) {
            ctx.close();
            throw new EntenteException(ErrorCode.INVALID_REQUEST,
                    "the worker runs against a hub's database: pass --db-url (the embedded database is private to its hub)");
        }
        HubBootstrap.Booted boot;
        HubWorker worker;
        try {
            boot = HubBootstrap.boot(settings, root.env, Clock.systemUTC(), ctx);
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
        spec.commandLine().getOut().println("Entente worker for hub " + boot.identity().hubId() + " running (scheduler "
                + worker.scheduler().instanceId() + "); heartbeats every "
                + settings.heartbeatInterval().toSeconds() + "s, stale sweep every " + settings.sweepInterval().toSeconds() + "s");
        spec.commandLine().getOut().flush();
        stopped.await();
        return 0;
    }

    @Command(name = "pause", description = "Pause one job (--job) or all of them on every replica and 'entente worker', "
            + "until resumed or for a while (--for); each skipped run is recorded.")
    static final class Pause extends ClientCommand {
        @Option(names = "--job", paramLabel = "NAME", description = "The job, e.g. stale_sweep; 'entente worker pauses' lists them. Default: all.")
        String job;

        @Option(names = "--for", paramLabel = "D", description = "Only for this long (e.g. 30m, 2h); then the job runs again by itself.")
        String duration;

        @Option(names = "--reason", required = true, paramLabel = "R", description = "Why; shown by status, doctor and /healthz.")
        String reason;

        @Override
        public Integer call() {
            return print(client().post("api/v1/worker/pause", new PauseRequest(job, duration, reason)));
        }
    }

    @Command(name = "resume", description = "End the pause of one job (--job), or every pause.")
    static final class Resume extends ClientCommand {
        @Option(names = "--job", paramLabel = "NAME", description = "The job whose own pause ends. Default: every pause.")
        String job;

        @Override
        public Integer call() {
            return print(client().post("api/v1/worker/resume", new ResumeRequest(job)));
        }
    }

    @Command(name = "pauses", description = "What is paused, by whom, why, until when; and the jobs that can be paused.")
    static final class Pauses extends ClientCommand {
        @Override
        public Integer call() {
            return print(client().get("api/v1/worker/pauses"));
        }
    }
}
