package dev.entente.ca.backup;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * A backup file opened for restore. {@link #open} reads every entry once and checks it against
 * the manifest before anything else happens, so a truncated download or a flipped bit is refused
 * up front instead of half-way through loading a database.
 */
public final class BackupArchive implements AutoCloseable {
    private final Path file;
    private final ZipFile zip;
    private final BackupManifest manifest;
    private final String sha256;

    private BackupArchive(Path file, ZipFile zip, BackupManifest manifest, String sha256) {
        this.file = file;
        this.zip = zip;
        this.manifest = manifest;
        this.sha256 = sha256;
    }

    /**
     * Opens and verifies {@code file}.
     *
     * @throws EntenteException {@link ErrorCode#BACKUP_CORRUPT} when it is not an Entente backup or
     *                          an entry does not match the manifest; {@link ErrorCode#BACKUP_SCHEMA_TOO_NEW}
     *                          when a newer Entente wrote it in a layout this binary does not read;
     *                          {@link ErrorCode#INVALID_REQUEST} when there is no such file
     */
    public static BackupArchive open(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "no backup file " + file);
        }
        ZipFile zip;
        try {
            zip = new ZipFile(file.toFile());
        } catch (IOException e) {
            throw corrupt(file, "it is not a zip archive (" + e.getMessage() + "); a truncated copy looks like this");
        }
        try {
            ZipEntry entry = zip.getEntry(BackupManifest.ENTRY);
            if (entry == null) {
                throw corrupt(file, "it has no " + BackupManifest.ENTRY + "; it is not an entente backup");
            }
            BackupManifest manifest;
            try (InputStream in = zip.getInputStream(entry)) {
                manifest = BackupManifest.parse(in.readAllBytes());
            } catch (IllegalArgumentException e) {
                throw corrupt(file, e.getMessage());
            }
            if (manifest.formatVersion() > BackupManifest.FORMAT_VERSION) {
                throw new EntenteException(ErrorCode.BACKUP_SCHEMA_TOO_NEW, file + " is in backup format "
                        + manifest.formatVersion() + "; this entente reads up to format " + BackupManifest.FORMAT_VERSION
                        + "; restore it with the entente version that wrote it, or a newer one");
            }
            for (BackupManifest.Table t : manifest.tables()) {
                verify(file, zip, t);
            }
            return new BackupArchive(file, zip, manifest, fileSha256(file));
        } catch (IOException e) {
            close(zip);
            throw corrupt(file, "it cannot be read: " + e.getMessage());
        } catch (RuntimeException e) {
            close(zip);
            throw e;
        }
    }

    private static void verify(Path file, ZipFile zip, BackupManifest.Table t) throws IOException {
        ZipEntry entry = zip.getEntry(t.entry());
        if (entry == null) {
            throw corrupt(file, "the manifest lists " + t.entry() + " but the archive lacks it");
        }
        MessageDigest sha = Snapshot.sha256();
        long bytes = 0;
        try (InputStream in = zip.getInputStream(entry)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
                bytes += n;
            }
        } catch (java.util.zip.ZipException e) {
            throw corrupt(file, "entry " + t.entry() + " is damaged (" + e.getMessage() + ")");
        }
        String actual = HexFormat.of().formatHex(sha.digest());
        if (bytes != t.bytes() || !actual.equals(t.sha256())) {
            throw corrupt(file, "entry " + t.entry() + " does not match its checksum in the manifest (table "
                    + t.name() + "); the file was altered or damaged after it was written");
        }
    }

    static String fileSha256(Path file) throws IOException {
        MessageDigest sha = Snapshot.sha256();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    public BackupManifest manifest() {
        return manifest;
    }

    public Path file() {
        return file;
    }

    /** SHA-256 of the whole file, as operators compare it with {@code sha256sum}. */
    public String sha256() {
        return sha256;
    }

    /** The table's entry, already verified by {@link #open}. */
    public InputStream entry(BackupManifest.Table table) throws IOException {
        return zip.getInputStream(zip.getEntry(table.entry()));
    }

    static EntenteException corrupt(Path file, String why) {
        return new EntenteException(ErrorCode.BACKUP_CORRUPT, "backup " + file + " is unusable: " + why);
    }

    @Override
    public void close() {
        close(zip);
    }

    private static void close(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException ignored) {
            // read-only: nothing to lose
        }
    }
}
