package dev.entente.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entente.ca.backup.BackupArchive;
import dev.entente.ca.backup.BackupManifest;
import dev.entente.lifecycle.error.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

/**
 * {@code entente backup --out FILE}: asks the running hub for a hot snapshot and writes it
 * atomically. The download lands in a 0600 temporary file next to {@code FILE}, is verified
 * against its own manifest, and only then renamed over {@code FILE}: an interrupted backup never
 * replaces a good one.
 */
@Command(name = "backup", description = "Take a consistent hot backup of the running hub into FILE (mode 0600).")
final class BackupCommand extends ClientCommand {
    /** Large audit logs take a while to snapshot; the hub answers only once the snapshot is complete. */
    static final Duration TIMEOUT = Duration.ofMinutes(30);

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the backup archive.")
    Path out;

    @Override
    public Integer call() {
        Path target = out.toAbsolutePath();
        if (Files.isDirectory(target)) {
            throw HubClient.problem(ErrorCode.BACKUP_WRITE_FAILED, "--out " + target + " is a directory; name a file");
        }
        HubClient client = client();
        Path tmp;
        try {
            tmp = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (IOException | UnsupportedOperationException e) {
            throw HubClient.problem(ErrorCode.BACKUP_WRITE_FAILED, "cannot write next to " + target + ": " + e
                    + "; pass --out in a writable directory");
        }
        BackupManifest manifest;
        String sha256;
        long bytes;
        try {
            client.download("api/v1/backup", tmp, TIMEOUT);
            try (BackupArchive archive = BackupArchive.open(tmp)) {
                manifest = archive.manifest();
                sha256 = archive.sha256();
            }
            bytes = Files.size(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw HubClient.problem(ErrorCode.BACKUP_WRITE_FAILED, "cannot write " + target + ": " + e.getMessage());
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // moved into place, or a 0600 leftover that names itself
            }
        }
        ObjectNode node = Output.JSON.createObjectNode();
        node.put("file", target.toString());
        node.put("hub_id", manifest.hubId());
        node.put("hub_name", manifest.hubName());
        node.put("schema_version", manifest.schemaVersion());
        node.put("created_at", manifest.createdAt());
        node.put("tables", manifest.tables().size());
        node.put("rows", manifest.totalRows());
        node.put("bytes", bytes);
        node.put("sha256", sha256);
        if ("json".equals(root().output())) {
            return print(node);
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("Backup of " + manifest.hubId() + " (" + manifest.hubName() + ") written to " + target);
        w.println("  taken at        " + manifest.createdAt() + "  (one consistent snapshot)");
        w.println("  schema version  V" + manifest.schemaVersion());
        w.println("  tables          " + manifest.tables().size() + "  (" + manifest.totalRows() + " rows)");
        w.println("  size            " + bytes + " bytes");
        w.println("  sha-256         " + sha256);
        w.println();
        w.println("The keys in it are sealed under the hub's key passphrase, which is NOT in the backup.");
        w.println("Keep ENTENTE_KEY_PASSPHRASE, or the hub's <data-dir>/passphrase file, safe and apart from");
        w.println("the backup: a restore needs it (entente restore --from FILE --data-dir NEW --passphrase-file F).");
        w.flush();
        return 0;
    }
}
