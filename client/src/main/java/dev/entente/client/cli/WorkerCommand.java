package dev.entente.client.cli;

import dev.entente.client.request.worker.PauseRequest;
import dev.entente.client.request.worker.ResumeRequest;
import dev.entente.client.local.LocalHub;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

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
        // The flags become the worker's settings of highest precedence (over env and entente.yml).
        Map<String, Object> flags = new LinkedHashMap<>();
        flags.put("entente.data-dir", root.dataDir().toString());
        if (dbUrl != null) {
            flags.put("entente.db.url", dbUrl);
        }
        LocalHub.installed("worker").runWorker(flags, root.dataDir(), root.env, spec.commandLine().getOut());
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
