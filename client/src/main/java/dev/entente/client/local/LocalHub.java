package dev.entente.client.local;

import dev.entente.lifecycle.audit.AuditVerification;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * What only the server part of Entente can do on this machine: run a hub or the worker in this
 * JVM, stop the hub that owns a data directory, restore a backup into a new one. The commands
 * {@code start}, {@code worker}, {@code stop} and {@code restore} parse their flags in the client
 * and call this; the control plane implements it and registers the implementation in
 * {@code META-INF/services}. So the command tree, its help and its generated docs are whole
 * without the server, a client call loads none of it, and an installation without it says so.
 */
public interface LocalHub {
    /**
     * Runs a hub in this JVM until SIGTERM or SIGINT, printing its banner to {@code out} once it
     * serves.
     *
     * @param flags   the start flags given, as {@code entente.*} settings (the highest precedence)
     * @param config  {@code --config}, or null for {@code <data-dir>/entente.yml}
     * @param dataDir the data directory the banner names
     * @return null when it was asked to stop, else why it stopped by itself
     */
    String runHub(Map<String, Object> flags, Path config, Path dataDir, Map<String, String> env, PrintWriter out)
            throws InterruptedException;

    /** Runs the scheduled jobs alone against a hub's database until SIGTERM or SIGINT. */
    void runWorker(Map<String, Object> flags, Path dataDir, Map<String, String> env, PrintWriter out) throws InterruptedException;

    /** SIGTERM to the hub that owns {@code dataDir}; with {@code force}, SIGKILL after {@code timeout}. */
    Stopped stop(Path dataDir, Duration timeout, boolean force);

    /** A backup archive loaded into a new, empty data directory, ready for {@code entente start}. */
    Restored restore(Path archive, Path dataDir, char[] passphrase, boolean passphraseFromFile);

    /**
     * What {@code entente stop} did.
     *
     * @param forced whether the hub ignored SIGTERM for the whole timeout and was killed
     */
    record Stopped(long pid, Path dataDir, boolean forced, Duration took) {
    }

    /**
     * What {@code entente restore} restored.
     *
     * @param migrationsApplied migrations of this binary that ran after the load (a backup of an older hub)
     * @param audit             the restored audit chain's verification, before the restore's own event
     */
    record Restored(String hubId, String hubName, Path dataDir, String backupSchemaVersion, String schemaVersion,
                    int tables, long rows, int migrationsApplied, String backupCreatedAt, String sha256,
                    AuditVerification audit, boolean passphraseFileWritten) {
    }

    /** The server part on the class path; a problem naming {@code command} when this installation has only the client. */
    static LocalHub installed(String command) {
        return ServiceLoader.load(LocalHub.class).findFirst().orElseThrow(() -> new EntenteException(
                ErrorCode.SERVER_PART_MISSING, "entente " + command + " needs the server part of Entente, which is not on "
                + "the class path (only the client is); run it from the full distribution, whose lib/ holds entente.jar"));
    }
}
