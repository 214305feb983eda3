package dev.entente.controlplane.api.backup;

import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.hub.HubSettings;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import java.time.Clock;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.ca.backup.BackupManifest;
import dev.entente.ca.backup.Snapshot;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.server.types.files.StreamedFile;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * {@code POST /api/v1/backup}: a consistent hot snapshot of the hub's database as a zip archive
 * (see {@link Snapshot}). Admin only: the archive holds every sealed key, peer and grant.
 *
 * <p>The snapshot is spooled to a 0600 file in the data dir before the first byte is sent, so a
 * failure is still a problem+json answer instead of a truncated 200. The spool is unlinked as soon
 * as it is open for reading: a client that disconnects leaves nothing behind.
 */
@Controller("/api/v1/backup")
public class BackupController {
    static final MediaType ZIP = MediaType.of("application/zip");
    private final HubSettings settings;
    private final Tx tx;
    private final Clock clock;
    private final AuditLog audit;
    private final HubIdentity hub;

    public BackupController(HubSettings settings, Tx tx, Clock clock, AuditLog audit, HubIdentity hub) {
        this.settings = settings;
        this.tx = tx;
        this.clock = clock;
        this.audit = audit;
        this.hub = hub;
    }

    @Post(produces = "application/zip")
    public HttpResponse<StreamedFile> backup(HttpRequest<?> request) {
        OperatorPrincipal admin = OperatorAuthFilter.principal(request);
        Path spool = null;
        BackupManifest manifest;
        InputStream in;
        try {
            spool = Files.createTempFile(settings.dataDir(), ".backup-", ".zip.tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(spool), 64 * 1024)) {
                manifest = Snapshot.write(tx, out, clock.instant());
            }
            in = Files.newInputStream(spool);
        } catch (IOException e) {
            throw new EntenteException(ErrorCode.BACKUP_WRITE_FAILED, "cannot spool the backup in "
                    + settings.dataDir() + ": " + e.getMessage() + "; free disk space there", e);
        } finally {
            deleteQuietly(spool);
        }
        try {
            tx.inTransaction(c -> audit.append(c, AuditEvent.of(AuditEventType.HUB_BACKUP_TAKEN, admin.subject(), hub.hubId(),
                    Map.of("schema_version", manifest.schemaVersion(), "tables", manifest.tables().size(),
                            "rows", manifest.totalRows(), "created_at", manifest.createdAt()))));
        } catch (RuntimeException e) {
            closeQuietly(in);
            throw e;
        }
        return HttpResponse.ok(new StreamedFile(in, ZIP))
                .header("Content-Disposition", "attachment; filename=\"" + hub.hubId() + "-backup.zip\"");
    }

    private static void deleteQuietly(Path file) {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // an unlinked spool is gone anyway; a left-over one is 0600 and named .backup-*.tmp
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was sent
        }
    }
}
