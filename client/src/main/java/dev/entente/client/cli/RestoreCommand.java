package dev.entente.client.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.entente.ca.vault.Passphrases;
import dev.entente.client.local.LocalHub;
import dev.entente.lifecycle.error.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code entente restore --from FILE --data-dir NEW}: offline, like {@code start}: it needs no
 * running hub and creates the new hub's embedded database itself.
 */
@Command(name = "restore", description = "Restore a backup into a new, empty data dir; then run entente start on it.")
final class RestoreCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "FILE", description = "The backup archive (entente backup --out).")
    Path from;

    @Option(names = "--passphrase-file", paramLabel = "FILE",
            description = "The backed-up hub's key passphrase file (its <data-dir>/passphrase); default: ENTENTE_KEY_PASSPHRASE.")
    Path passphraseFile;

    @Override
    public Integer call() {
        EntenteCommand root = (EntenteCommand) spec.root().userObject();
        String format = root.output();
        Path dataDir = root.dataDir();
        char[] passphrase;
        boolean fromFile = passphraseFile != null;
        if (fromFile) {
            passphrase = readPassphrase(passphraseFile);
        } else {
            String env = root.env.get(Passphrases.ENV);
            if (env == null || env.isEmpty()) {
                throw HubClient.problem(ErrorCode.RESTORE_PASSPHRASE_MISSING, "a restore needs the backed-up hub's key passphrase: "
                        + "pass --passphrase-file with its <data-dir>/passphrase, or set " + Passphrases.ENV);
            }
            passphrase = env.toCharArray();
        }
        LocalHub.Restored r = LocalHub.installed("restore").restore(from.toAbsolutePath(), dataDir, passphrase, fromFile);
        ObjectNode node = Output.JSON.createObjectNode();
        node.put("hub_id", r.hubId());
        node.put("hub_name", r.hubName());
        node.put("data_dir", r.dataDir().toString());
        node.put("backup_created_at", r.backupCreatedAt());
        node.put("backup_schema_version", r.backupSchemaVersion());
        node.put("schema_version", r.schemaVersion());
        node.put("migrations_applied", r.migrationsApplied());
        node.put("tables", r.tables());
        node.put("rows", r.rows());
        node.put("sha256", r.sha256());
        ObjectNode audit = node.putObject("audit");
        audit.put("ok", r.audit().ok());
        audit.put("events", r.audit().events());
        audit.put("reason", r.audit().reason());
        node.put("passphrase_file_written", r.passphraseFileWritten());
        PrintWriter w = spec.commandLine().getOut();
        if ("json".equals(format)) {
            Output.print(w, format, node);
            return 0;
        }
        String dd = dataDir.toString().contains(" ") ? "'" + dataDir + "'" : dataDir.toString();
        w.println("Restored " + r.hubId() + " (" + r.hubName() + ") into " + dataDir);
        w.println("  backup taken    " + r.backupCreatedAt() + "  (schema V" + r.backupSchemaVersion() + ")");
        w.println("  schema version  V" + r.schemaVersion() + (r.migrationsApplied() == 0 ? ""
                : "  (" + r.migrationsApplied() + " newer migration(s) applied after loading)"));
        w.println("  tables          " + r.tables() + "  (" + r.rows() + " rows)");
        w.println("  audit chain     " + (r.audit().ok() ? "ok, " + r.audit().events() + " events"
                : "BROKEN at event " + r.audit().firstBroken() + ": " + r.audit().reason() + " (it was broken in the backup)"));
        w.println("  passphrase      " + (r.passphraseFileWritten() ? dataDir.resolve(Passphrases.FILE_NAME) + "  (mode 0600)"
                : "from " + Passphrases.ENV + ": set it for entente start too"));
        w.println();
        w.println("Not in a backup: entente.yml (copy it from the old data dir if you had one). The hub writes");
        w.println("a new admin.token on its first start. Stop the original hub first, and keep the public URL");
        w.println("its peers know: they pin this hub's TLS key, which is the same.");
        w.println();
        w.println("Next: bin/entente start --data-dir " + dd);
        w.flush();
        return 0;
    }

    private static char[] readPassphrase(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            int end = text.length();
            while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) {
                end--;
            }
            if (end == 0) {
                throw HubClient.problem(ErrorCode.RESTORE_PASSPHRASE_MISSING, "--passphrase-file " + file + " is empty");
            }
            return text.substring(0, end).toCharArray();
        } catch (IOException e) {
            throw HubClient.problem(ErrorCode.RESTORE_PASSPHRASE_MISSING, "cannot read --passphrase-file " + file + ": " + e
                    + "; pass the backed-up hub's <data-dir>/passphrase");
        }
    }
}
