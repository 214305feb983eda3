package dev.entente.federation.anchor;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.entente.ca.anchor.AnchorKey;
import dev.entente.ca.anchor.HeadStatement;
import dev.entente.federation.protocol.FederationJson;
import dev.entente.lifecycle.audit.AuditHead;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Optional;

/**
 * The local anchor: this hub's signed head in {@code <data-dir>/audit-head.json} (0600, replaced
 * atomically). Written on every heartbeat tick and at shutdown when the head has moved, never on
 * an append: the request path pays nothing for it.
 *
 * <p>The file only moves forward along the chain. Before it is replaced, the head it holds must
 * still be on the database's chain (one primary-key lookup); after a truncation it is not, so the
 * file keeps the evidence and {@code audit verify} names it. Heartbeats still carry the database's
 * real head (signed), so peers see the regression too.
 */
public final class AuditAnchor {
    /** The anchor file's name in the data dir. */
    public static final String FILE = "audit-head.json";
    /** How {@code audit verify} names this anchor. */
    public static final String WITNESS = "local file";
    private static final Logger LOG = LoggerFactory.getLogger(AuditAnchor.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Tx tx;
    private final AuditLog audit;
    private final AnchorKey key;
    private final Path file;
    private final Clock clock;
    /** The database head last signed: what heartbeats carry. */
    private volatile HeadStatement current;
    /** What the file holds (as this process last wrote or read it). */
    private HeadStatement anchored;

    public AuditAnchor(Tx tx, AuditLog audit, AnchorKey key, Path dataDir, Clock clock) {
        this.tx = tx;
        this.audit = audit;
        this.key = key;
        this.file = dataDir.resolve(FILE);
        this.clock = clock;
        this.anchored = read().orElse(null);
    }

    public AnchorKey key() {
        return key;
    }

    /** The signed database head, refreshed by {@link #refresh()}. */
    public HeadStatement current() {
        HeadStatement s = current;
        return s != null ? s : refresh();
    }

    /**
     * Signs the database head when it moved and advances the file when the head it holds is still
     * on the chain. Safe to run twice; run by the heartbeat tick and at shutdown.
     */
    public synchronized HeadStatement refresh() {
        record Read(AuditHead head, boolean fileOnChain) {
        }
        HeadStatement fileHead = anchored;
        Read r = tx.read(c -> new Read(audit.head(c), fileHead == null || audit.onChain(c, fileHead.head())));
        HeadStatement last = current;
        HeadStatement signed = last != null && last.head().sameAs(r.head()) ? last : key.sign(r.head(), clock.instant());
        current = signed;
        if (fileHead != null && !r.fileOnChain()) {
            LOG.error("the audit chain no longer holds event {} anchored in {}: keeping the anchor; "
                    + "run 'entente audit verify'", fileHead.head().seq(), file);
        } else if (fileHead == null || r.head().seq() > fileHead.head().seq()) {
            write(signed);
        }
        return signed;
    }

    /** The file's head when it is this hub's own validly signed statement; a missing or foreign file is none. */
    public Optional<HeadStatement> read() {
        try {
            HeadStatement s = FederationJson.read(JSON.readTree(Files.readAllBytes(file)), SignedHead.class).statement();
            if (s == null || !key.isOwn(s)) {
                LOG.warn("{} is not a head statement signed by this hub; ignoring it", file);
                return Optional.empty();
            }
            return Optional.of(s);
        } catch (NoSuchFileException missing) {
            return Optional.empty();
        } catch (IOException e) {
            LOG.warn("cannot read {}: {}; ignoring it", file, e.getMessage());
            return Optional.empty();
        }
    }

    private void write(HeadStatement s) {
        try {
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.write(tmp, JSON.writeValueAsBytes(SignedHead.of(s)));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            anchored = s;
        } catch (IOException e) {
            // The heartbeat tick retries; a full disk must not stop heartbeats.
            LOG.warn("cannot write {}: {}", file, e.getMessage());
        }
    }
}
