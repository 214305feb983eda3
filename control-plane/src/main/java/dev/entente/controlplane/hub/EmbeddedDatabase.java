package dev.entente.controlplane.hub;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The embedded PostgreSQL of a hub started without {@code --db-url}: real server binaries, data
 * in {@code <data-dir>/pg}, owned and run by the hub.
 *
 * <p><b>Only the hub gets in.</b> The server listens on 127.0.0.1 only, with no Unix socket, and
 * {@code pg_hba.conf} (rewritten at every start) demands a SCRAM password from everyone. The hub
 * connects as {@value #HUB_ROLE}, a role that owns Entente's schema and nothing else: no
 * superuser, so no {@code pg_read_file} of the passphrase and no {@code COPY ... TO PROGRAM}. The
 * two passwords are generated on first start and kept 0600 in the data dir
 * ({@value #HUB_PASSWORD_FILE}, {@value #SUPERUSER_PASSWORD_FILE} for maintenance by hand). When
 * the hub runs as root the server runs as an unprivileged system user ({@link OsUser}). A data
 * dir from a release that used {@code trust} is converted on its first start: the superuser gets a
 * password in single-user mode (no listener, so no window), and the schema is handed to the hub
 * role.
 *
 * <p><b>Durable unless a test says otherwise.</b> fsync, synchronous commit and full-page writes
 * are on: a transition the API acknowledged survives a power loss. Specs may turn them off.
 *
 * <p><b>Never half-alive.</b> A watchdog notices a dead postmaster within half a second and starts
 * it again on the same port with backoff (PostgreSQL's crash recovery replays the WAL, so nothing
 * committed is lost); if it cannot within {@code entente.database.restart-give-up}, the listener
 * is told and the hub exits non-zero for its supervisor.
 *
 * <p>{@code pg_ctl} detaches the server, so a hub killed with SIGKILL leaves it running. Start-up
 * therefore stops the server of a previous run ({@code postmaster.pid}) before starting its own.
 */
public final class EmbeddedDatabase implements AutoCloseable {
    /** The role the hub connects as: owner of the {@code public} schema, nothing more. */
    public static final String HUB_ROLE = "entente";
    public static final String SUPERUSER = "postgres";
    public static final String HUB_PASSWORD_FILE = "db.password";
    public static final String SUPERUSER_PASSWORD_FILE = "db-superuser.password";
    static final String HBA_MARKER = "# entente: scram over loopback only";
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final Duration WATCH_EVERY = Duration.ofMillis(500);

    /**
     * @param durable       fsync, synchronous commit and full-page writes on ({@code entente.database.durable}, default
     *                      true; only tests turn it off)
     * @param osUser        the system user the server runs as when the hub runs as root
     *                      ({@code entente.database.os-user}, default {@code entente-db})
     * @param restartGiveUp how long the watchdog keeps trying to restart a dead server before the
     *                      hub gives up and exits ({@code entente.database.restart-give-up}, default 2m)
     */
    public record Options(boolean durable, String osUser, Duration restartGiveUp) {
        public static final Options DEFAULTS = new Options(true, "entente-db", Duration.ofMinutes(2));
    }

    /** Told by the watchdog about restarts of the server. */
    public interface Listener {
        /** The server died and is serving again after {@code downtime} and {@code attempts} starts. */
        void restarted(int attempts, Duration downtime, String cause);

        /** The server died and could not be started again within the give-up time. */
        void gaveUp(Duration downtime, String lastError);
    }

    /** A restart the watchdog made: when the server was found dead and how long it was down. */
    public record Restart(Instant at, Duration downtime, int attempts) {
    }

    private final Path directory;
    private final int port;
    private final Options options;
    private final OsUser user;
    private final Path bin;
    private final Path mountPoint;
    private final String hubPassword;
    private final String superuserPassword;
    private final List<Restart> restarts = new ArrayList<>();
    private volatile boolean wanted;
    private volatile Listener listener;
    private ScheduledExecutorService watchdog;

    private EmbeddedDatabase(Path directory, int port, Options options, OsUser user, Path bin, String hubPassword,
                             String superuserPassword) {
        this.directory = directory;
        this.port = port;
        this.options = options;
        this.user = user;
        this.bin = bin;
        this.mountPoint = user.current() ? directory : PostgresBinaries.mountPointFor(directory);
        this.hubPassword = hubPassword;
        this.superuserPassword = superuserPassword;
    }

    public static EmbeddedDatabase start(Path directory) {
        return start(directory, Options.DEFAULTS);
    }

    /**
     * Stops a stale server of this directory if any, creates or converts the cluster, starts it on
     * a free loopback port and makes sure the hub role owns the schema.
     */
    public static EmbeddedDatabase start(Path directory, Options options) {
        Path dataDir = directory.toAbsolutePath().getParent();
        stopStaleServer(directory);
        Path bin = PostgresBinaries.bin();
        OsUser user = OsUser.forServer(options.osUser());
        String hubPassword = password(dataDir.resolve(HUB_PASSWORD_FILE)).value();
        Secret superuser = password(dataDir.resolve(SUPERUSER_PASSWORD_FILE));
        EmbeddedDatabase db = new EmbeddedDatabase(directory.toAbsolutePath(), freePort(), options, user, bin, hubPassword,
                superuser.value());
        try {
            db.prepareCluster(superuser.created());
            db.startServer();
            db.grantSchemaToHub();
        } catch (RuntimeException e) {
            db.stop();
            throw e;
        }
        return db;
    }

    /** The URL the hub and its tools use; connect as {@link #HUB_ROLE} with {@link #hubPassword()}. */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    public String hubUser() {
        return HUB_ROLE;
    }

    public String hubPassword() {
        return hubPassword;
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return directory;
    }

    public Options options() {
        return options;
    }

    /** The system user the server runs as. */
    public String osUser() {
        return user.name();
    }

    public boolean running() {
        return wanted && postmaster().isPresent();
    }

    /** Restarts the watchdog made since this hub started, oldest first. */
    public synchronized List<Restart> restarts() {
        return List.copyOf(restarts);
    }

    /** Starts watching the server: a dead postmaster is started again and {@code listener} told. */
    public synchronized void watch(Listener listener) {
        this.listener = listener;
        if (watchdog == null) {
            watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "entente-db-watchdog");
                t.setDaemon(true);
                return t;
            });
            watchdog.scheduleWithFixedDelay(this::checkAlive, WATCH_EVERY.toMillis(), WATCH_EVERY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    /** Starts the server again on the same port (after {@link #stop()}), e.g. to recover. */
    public synchronized void startServer() {
        if (wanted && postmaster().isPresent()) {
            return;
        }
        writeHba();
        List<String> cmd = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", serverPath().toString(),
                "-l", serverPath().resolve("postmaster.log").toString(), "-w", "-t", "60", "-s", "-o", serverOptions(), "start"));
        try {
            run(asServer(cmd), null, Duration.ofSeconds(90));
        } catch (RuntimeException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED,
                    "cannot start the embedded PostgreSQL in " + directory + ": " + rootMessage(e) + tail()
                            + "; if another hub uses this data dir stop it, or pass --db-url", e);
        }
        wanted = true;
    }

    /** Stops the server (fast shutdown) and the watchdog; idempotent. */
    public synchronized void stop() {
        wanted = false;
        Optional<ProcessHandle> pm = postmaster();
        if (pm.isEmpty()) {
            return;
        }
        try {
            run(asServer(List.of(bin.resolve("pg_ctl").toString(), "-D", serverPath().toString(), "-m", "fast", "-w",
                    "-t", "30", "-s", "stop")), null, Duration.ofSeconds(40));
        } catch (RuntimeException e) {
            LOG.warn("embedded PostgreSQL did not stop cleanly ({}); stopping pid {}", e.getMessage(), pm.get().pid());
            interrupt(pm.get());
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            if (watchdog != null) {
                watchdog.shutdownNow();
                watchdog = null;
            }
        }
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

    /** The postmaster the watchdog last found alive, or null. */
    private volatile ProcessHandle watched;

    private Optional<ProcessHandle> postmaster() {
        return staleServer(directory);
    }

    private void checkAlive() {
        if (!wanted) {
            return;
        }
        // The handle last found alive carries the process's start time, so a reused pid does not
        // pass for it; checking it is one read of /proc, where a fresh look reads postmaster.pid and
        // the process's command line: the watchdog was the idle hub's busiest thread (issue 15).
        ProcessHandle known = watched;
        if (known != null && known.isAlive()) {
            return;
        }
        Optional<ProcessHandle> found = postmaster();
        if (found.isPresent()) {
            watched = found.get();
            return;
        }
        Instant down = Instant.now();
        LOG.error("the embedded PostgreSQL in {} is not running; starting it again", directory);
        String lastError = "postmaster exited";
        long backoffMs = 250;
        int attempts = 0;
        while (wanted) {
            attempts++;
            try {
                synchronized (this) {
                    if (!wanted) {
                        return;
                    }
                    // Children of a killed postmaster may still hold the shared memory for a moment.
                    startServer();
                }
                Duration downtime = Duration.between(down, Instant.now());
                synchronized (this) {
                    restarts.add(new Restart(down, downtime, attempts));
                }
                LOG.warn("the embedded PostgreSQL is serving again after {} ms ({} attempts)", downtime.toMillis(), attempts);
                Listener l = listener;
                if (l != null) {
                    l.restarted(attempts, downtime, lastError);
                }
                return;
            } catch (RuntimeException e) {
                lastError = rootMessage(e);
                Duration downtime = Duration.between(down, Instant.now());
                if (downtime.compareTo(options.restartGiveUp()) >= 0) {
                    LOG.error("the embedded PostgreSQL did not come back within {}: {}", options.restartGiveUp(), lastError);
                    wanted = false;
                    Listener l = listener;
                    if (l != null) {
                        l.gaveUp(downtime, lastError);
                    }
                    return;
                }
                LOG.warn("restart attempt {} of the embedded PostgreSQL failed: {}", attempts, lastError);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoffMs = Math.min(backoffMs * 2, 10_000);
            }
        }
    }

    /**
     * Where the server sees its directory. The server's own user cannot walk down to
     * {@code <data-dir>/pg} (the data dir and its parents, e.g. {@code /root}, stay closed), so as
     * another user every command runs in a private mount namespace in which the directory is bound
     * onto an empty mount point under the binaries cache; nothing outside that namespace sees it.
     */
    private Path serverPath() {
        return user.current() ? directory : mountPoint;
    }

    private List<String> asServer(List<String> command) {
        if (user.current()) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "sh", "-c",
                "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"", "sh", directory.toString(), mountPoint.toString()));
        out.addAll(user.wrap(command));
        return out;
    }

    private String serverOptions() {
        String durable = options.durable() ? "on" : "off";
        return String.join(" ", "-p", Integer.toString(port),
                "-c", "listen_addresses=127.0.0.1",
                "-c", "unix_socket_directories=",
                "-c", "max_connections=100",
                "-c", "timezone=UTC",
                "-c", "password_encryption=scram-sha-256",
                "-c", "fsync=" + durable,
                "-c", "synchronous_commit=" + durable,
                "-c", "full_page_writes=" + durable);
    }

    /** Creates the cluster on first start; converts one from a release that trusted every local user. */
    private void prepareCluster(boolean superuserPasswordCreated) {
        if (!Files.isRegularFile(directory.resolve("PG_VERSION"))) {
            initdb();
            return;
        }
        if (!user.owns(directory)) {
            user.own(directory);
        }
        if (superuserPasswordCreated || !hbaIsOurs()) {
            LOG.warn("securing the embedded PostgreSQL in {}: password authentication for every role", directory);
            writeHba();
            singleUser("ALTER ROLE " + SUPERUSER + " WITH PASSWORD '" + superuserPassword + "';\n");
        }
    }

    private void initdb() {
        try {
            if (Files.exists(directory)) {
                try (var entries = Files.list(directory)) {
                    if (entries.findAny().isPresent()) {
                        throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, directory
                                + " holds files but no PostgreSQL cluster; move it away or pass --db-url");
                    }
                }
            } else {
                Files.createDirectories(directory, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            user.own(directory);
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "cannot create " + directory + ": " + e.getMessage(), e);
        }
        // initdb reads the password from a file: one in a 0700 directory of the server's user,
        // gone when initdb is (a pipe through /dev/stdin cannot be opened after the user switch).
        Path scratch = PostgresBinaries.scratchFor(directory);
        try {
            deleteTree(scratch);
            Files.createDirectory(scratch, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Path pwfile = scratch.resolve("pwfile");
            Files.writeString(pwfile, superuserPassword + "\n", StandardCharsets.UTF_8);
            user.own(scratch);
            run(asServer(List.of(bin.resolve("initdb").toString(), "-D", serverPath().toString(), "-U", SUPERUSER,
                    "--auth=scram-sha-256", "--pwfile=" + pwfile, "-E", "UTF8", "--no-locale", "--no-instructions")),
                    null, Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "cannot run initdb in " + directory + ": " + e.getMessage(), e);
        } finally {
            try {
                deleteTree(scratch);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", scratch, e.getMessage());
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private void singleUser(String sql) {
        run(asServer(List.of(bin.resolve("postgres").toString(), "--single", "-D", serverPath().toString(),
                "-c", "exit_on_error=true", "-c", "log_statement=none", SUPERUSER)), sql, Duration.ofSeconds(60));
    }

    private boolean hbaIsOurs() {
        try {
            return Files.readString(directory.resolve("pg_hba.conf")).startsWith(HBA_MARKER);
        } catch (IOException e) {
            return false;
        }
    }

    private void writeHba() {
        String hba = HBA_MARKER + " (rewritten at every start; edits are lost)\n"
                + "# " + SUPERUSER + ": <data-dir>/" + SUPERUSER_PASSWORD_FILE + "; " + HUB_ROLE + ": <data-dir>/" + HUB_PASSWORD_FILE + "\n"
                + "host all all 127.0.0.1/32 scram-sha-256\n"
                + "host all all ::1/128 scram-sha-256\n";
        Path file = directory.resolve("pg_hba.conf");
        try {
            Files.writeString(file, hba, StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            user.own(file);
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@value #HUB_ROLE} a login role with its password and no privilege beyond its schema,
     * and gives it every object of {@code public}: on a converted cluster they belonged to the
     * superuser. Runs at every start, so a changed password file takes effect.
     */
    private void grantSchemaToHub() {
        Properties props = new Properties();
        props.setProperty("user", SUPERUSER);
        props.setProperty("password", superuserPassword);
        try (Connection c = DriverManager.getConnection(jdbcUrl(), props); Statement s = c.createStatement()) {
            s.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '" + HUB_ROLE + "') THEN "
                    + "CREATE ROLE " + HUB_ROLE + " LOGIN; END IF; END $$");
            s.execute("ALTER ROLE " + HUB_ROLE + " WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS "
                    + "PASSWORD '" + hubPassword + "'");
            s.execute("ALTER SCHEMA public OWNER TO " + HUB_ROLE);
            s.execute("""
                    DO $$ DECLARE r record; BEGIN
                      FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                                 AND c.relowner <> '%1$s'::regrole LOOP
                        EXECUTE format('ALTER TABLE %%s OWNER TO %1$s', r.obj);
                      END LOOP;
                      -- sequences owned by a column moved with their table; the rest move here
                      FOR r IN SELECT c.oid::regclass AS obj FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                               WHERE n.nspname = 'public' AND c.relkind = 'S' AND c.relowner <> '%1$s'::regrole LOOP
                        EXECUTE format('ALTER SEQUENCE %%s OWNER TO %1$s', r.obj);
                      END LOOP;
                      FOR r IN SELECT p.oid::regprocedure AS obj FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                               WHERE n.nspname = 'public' AND p.proowner <> '%1$s'::regrole LOOP
                        EXECUTE format('ALTER ROUTINE %%s OWNER TO %1$s', r.obj);
                      END LOOP;
                    END $$""".formatted(HUB_ROLE));
        } catch (SQLException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED,
                    "cannot prepare the hub's database role: " + e.getMessage(), e);
        }
    }

    private record Secret(String value, boolean created) {
    }

    /** Reads a password file of the data dir, creating it (0600, 32 random bytes in hex) when missing. */
    private static Secret password(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                String value = Files.readString(file).trim();
                if (value.matches("[0-9a-f]{32,128}")) {
                    return new Secret(value, false);
                }
                throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, file
                        + " does not hold a password this hub wrote; delete it and start again to set a new one");
            }
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "cannot read " + file + ": " + e.getMessage(), e);
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String value = HexFormat.of().formatHex(raw);
        HubBootstrap.writePrivate(file, value + "\n");
        return new Secret(value, true);
    }

    private String tail() {
        Path log = directory.resolve("postmaster.log");
        try {
            List<String> lines = Files.readAllLines(log);
            return lines.isEmpty() ? "" : " (log: " + lines.get(lines.size() - 1) + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static void run(List<String> command, String stdin, Duration timeout) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            pb.environment().put("LC_ALL", "C");
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(command.get(command.size() - 1) + " timed out");
            }
            if (p.exitValue() != 0) {
                String text = new String(out, StandardCharsets.UTF_8).trim();
                throw new IOException(commandName(command) + " exited " + p.exitValue() + (text.isEmpty() ? "" : ": " + text));
            }
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "interrupted", e);
        }
    }

    private static String commandName(List<String> command) {
        for (String part : command) {
            if (part.contains("/bin/")) {
                return Path.of(part).getFileName().toString();
            }
        }
        return command.get(0);
    }

    static void stopStaleServer(Path directory) {
        Optional<ProcessHandle> stale = staleServer(directory);
        if (stale.isEmpty()) {
            return;
        }
        ProcessHandle p = stale.get();
        LOG.warn("stopping a stale embedded PostgreSQL (pid {}) left by a hub that did not shut down", p.pid());
        interrupt(p);
    }

    private static void interrupt(ProcessHandle p) {
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
                        "a stale PostgreSQL (pid " + p.pid() + ") does not stop; kill it and start again");
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
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
