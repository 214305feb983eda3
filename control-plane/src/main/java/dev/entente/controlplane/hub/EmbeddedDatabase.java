package dev.entente.controlplane.hub;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL of a hub started without {@code --db-url}: real server binaries, data
 * in {@code <data-dir>/pg}, bound to 127.0.0.1 with no unix socket.
 *
 * <p>{@code pg_ctl} detaches the server, so a hub killed with SIGKILL leaves it running. Start-up
 * therefore looks for the {@code postmaster.pid} of a previous run and stops that server before
 * starting its own: otherwise the new start fails with "another server might be running" and the
 * orphan holds memory forever.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private final Path directory;
    private final int port;
    private volatile EmbeddedPostgres postgres;

    private EmbeddedDatabase(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Stops a stale server of this directory if any, then starts one on a free loopback port. */
    public static EmbeddedDatabase start(Path directory) {
        stopStaleServer(directory);
        EmbeddedDatabase db = new EmbeddedDatabase(directory, freePort());
        db.startServer();
        return db;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return directory;
    }

    public boolean running() {
        return postgres != null;
    }

    /** Starts the server again on the same port (after {@link #stop()}), e.g. to recover. */
    public synchronized void startServer() {
        if (postgres != null) {
            return;
        }
        try {
            Files.createDirectories(directory.getParent());
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("max_connections", "100")
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED,
                    "cannot start the embedded PostgreSQL in " + directory + ": " + rootMessage(e)
                            + "; if another hub uses this data dir stop it, or pass --db-url", e);
        }
    }

    /** Stops the server (fast shutdown); idempotent. */
    public synchronized void stop() {
        EmbeddedPostgres pg = postgres;
        postgres = null;
        if (pg == null) {
            return;
        }
        try {
            pg.close();
        } catch (IOException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** The pid recorded by a server of this directory that is still alive, if any. */
    public static Optional<ProcessHandle> staleServer(Path directory) {
        Path pidFile = directory.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        try {
            List<String> lines = Files.readAllLines(pidFile);
            if (lines.isEmpty()) {
                return Optional.empty();
            }
            long pid = Long.parseLong(lines.get(0).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(true));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static void stopStaleServer(Path directory) {
        Optional<ProcessHandle> stale = staleServer(directory);
        if (stale.isEmpty()) {
            return;
        }
        ProcessHandle p = stale.get();
        LOG.warn("stopping a stale embedded PostgreSQL (pid {}) left by a hub that did not shut down", p.pid());
        try {
            // SIGINT is PostgreSQL's fast shutdown: clean, but does not wait for (dead) clients.
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);
            p.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED,
                        "a stale PostgreSQL (pid " + p.pid() + ") holds " + directory + " and does not stop; kill it and start again");
            }
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "no free loopback port for PostgreSQL", e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
