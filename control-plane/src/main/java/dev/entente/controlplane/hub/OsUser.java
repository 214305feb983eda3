package dev.entente.controlplane.hub;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The operating-system user the embedded PostgreSQL runs as.
 *
 * <p>A hub started by an ordinary user runs the server as that same user. A hub started as root
 * does not: a root-owned server that a superuser session could reach would turn
 * {@code COPY ... TO PROGRAM} into root shell access. There the server runs as a dedicated system
 * user ({@code entente.database.os-user}, default {@code entente-db}), created on first use like
 * a distribution package creates {@code postgres}; it owns only {@code <data-dir>/pg}, which it
 * reaches through a private bind mount (see {@code EmbeddedDatabase}), so the data dir stays 0700.
 *
 * @param name    the user's name
 * @param uid     its uid
 * @param gid     its primary gid
 * @param current true when it is the user this JVM runs as (no switch needed)
 */
record OsUser(String name, int uid, int gid, boolean current) {

    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            return Integer.parseInt(run(List.of("id", "-u")).trim());
        }
    }

    /** The user to run PostgreSQL as: this process's own, or when root the dedicated {@code systemUser}. */
    static OsUser forServer(String systemUser) {
        int uid = currentUid();
        if (uid != 0) {
            return new OsUser(System.getProperty("user.name"), uid, -1, true);
        }
        return ensureSystemUser(systemUser);
    }

    private static OsUser ensureSystemUser(String name) {
        if (!name.matches("[a-z_][a-z0-9_-]{0,31}") || name.equals("root")) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "entente.database.os-user must name an unprivileged "
                    + "system user (lower case, up to 32 characters), not " + name);
        }
        if (lookup(name, "-u") == null) {
            // Two hubs starting at once may both try: the loser's useradd fails, the lookup then finds the user.
            exec(List.of("useradd", "--system", "--user-group", "--no-create-home", "--home-dir", "/nonexistent",
                    "--shell", "/usr/sbin/nologin", "--comment", "Entente embedded PostgreSQL", name));
        }
        Integer uid = lookup(name, "-u");
        Integer gid = lookup(name, "-g");
        if (uid == null || gid == null) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "cannot create the system user " + name
                    + " for the embedded PostgreSQL; create it (useradd --system " + name + "), set entente.database.os-user "
                    + "to an existing unprivileged user, or start the hub as a non-root user");
        }
        if (uid == 0) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "entente.database.os-user " + name
                    + " has uid 0; the embedded PostgreSQL must run as an unprivileged user");
        }
        return new OsUser(name, uid, gid, false);
    }

    /** The command, run as this user: unchanged for the current user, through {@code setpriv} otherwise. */
    List<String> wrap(List<String> command) {
        if (current) {
            return command;
        }
        List<String> out = new ArrayList<>(List.of("setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--"));
        out.addAll(command);
        return out;
    }

    /** Gives {@code path} (recursively) to this user when it is not the current one. */
    void own(Path path) {
        if (!current) {
            exec(List.of("chown", "-R", uid + ":" + gid, path.toString()));
        }
    }

    boolean owns(Path path) {
        try {
            return current || (Integer) Files.getAttribute(path, "unix:uid") == uid;
        } catch (IOException e) {
            return false;
        }
    }

    private static Integer lookup(String name, String flag) {
        try {
            Process p = new ProcessBuilder("id", flag, name).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? Integer.valueOf(out) : null;
        } catch (IOException | NumberFormatException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void exec(List<String> command) {
        run(command);
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " failed: " + out.trim());
            }
            return out;
        } catch (IOException e) {
            if (command.get(0).equals("useradd")) {
                return ""; // judged by the lookup that follows
            }
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, "interrupted: " + String.join(" ", command), e);
        }
    }
}
