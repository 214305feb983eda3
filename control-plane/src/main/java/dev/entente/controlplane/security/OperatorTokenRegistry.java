package dev.entente.controlplane.security;

import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The hub's record of the operator tokens it issued: listing them, revoking one, and noting when
 * each was last used. The only writer of {@code last_used_at} and of the revocation columns.
 */
@Singleton
public class OperatorTokenRegistry {
    /** How stale {@code last_used_at} may be: at most one write per token and process in this time. */
    static final long USE_WRITE_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);
    private static final int MAX_REASON = 500;
    private static final Logger LOG = LoggerFactory.getLogger(OperatorTokenRegistry.class);
    private static final String COLUMNS = "jti, subject, roles, issued_by, issued_at, expires_at, minted_by, "
            + "last_used_at, revoked_at, revoked_by, revoke_reason";

    private final Tx tx;
    private final AuditLog audit;
    private final OperatorTokenRevocations revocations;
    // jti -> System.nanoTime() of the last write queued for it
    private final Map<String, Long> useWrittenAt = new ConcurrentHashMap<>();
    // One thread: the call that authenticated never waits for the write, nor fails with it.
    private final ExecutorService useWriter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "entente-token-use");
        t.setDaemon(true);
        return t;
    });

    public OperatorTokenRegistry(Tx tx, AuditLog audit, OperatorTokenRevocations revocations) {
        this.tx = tx;
        this.audit = audit;
        this.revocations = revocations;
    }

    /** Every token the hub issued, newest first. */
    public List<OperatorTokenRecord> list() {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM operator_tokens ORDER BY issued_at DESC, jti");
                 ResultSet rs = ps.executeQuery()) {
                List<OperatorTokenRecord> tokens = new ArrayList<>();
                while (rs.next()) {
                    tokens.add(row(rs));
                }
                return tokens;
            }
        });
    }

    /**
     * Revokes token {@code id}: every replica refuses it from the commit on. Revoking a revoked
     * token again changes nothing and answers its record as it stands.
     */
    public OperatorTokenRecord revoke(String id, String reason, String revokedBy) {
        UUID jti = tokenId(id);
        if (reason == null || reason.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "reason is required: say why the token is revoked");
        }
        if (reason.length() > MAX_REASON) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "reason must be at most " + MAX_REASON + " characters");
        }
        OperatorTokenRecord result = tx.inTransaction(c -> {
            OperatorTokenRecord current = find(c, jti, true).orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND,
                    "no operator token " + id + "; 'entente operators token list' shows them"));
            if (current.revokedAt() != null) {
                return current;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE operator_tokens SET revoked_at = now(), revoked_by = ?, "
                    + "revoke_reason = ? WHERE jti = ?")) {
                ps.setString(1, revokedBy);
                ps.setString(2, reason);
                ps.setObject(3, jti);
                ps.executeUpdate();
            }
            OperatorTokenRecord revoked = find(c, jti, false).orElseThrow();
            audit.append(c, AuditEvent.of(AuditEventType.OPERATOR_TOKEN_REVOKED, revokedBy, revoked.subject(),
                    Map.of("jti", jti.toString(), "roles", revoked.roles(), "reason", reason,
                            "expires_at", revoked.expiresAt())));
            return revoked;
        });
        revocations.revoked(jti);
        return result;
    }

    /**
     * Notes that token {@code jti} authenticated a call: written in the background, at most once
     * a minute per token on this process, so that a busy token does not turn reads into writes.
     */
    public void used(String jti) {
        if (jti == null) {
            return;
        }
        long now = System.nanoTime();
        Long previous = useWrittenAt.get(jti);
        if (previous != null && now - previous < USE_WRITE_INTERVAL_NANOS) {
            return;
        }
        // Only the caller that swaps the timestamp in queues the write.
        boolean mine = previous == null ? useWrittenAt.putIfAbsent(jti, now) == null : useWrittenAt.replace(jti, previous, now);
        if (mine) {
            useWriter.execute(() -> writeUse(jti));
        }
    }

    private void writeUse(String jti) {
        try {
            UUID id = UUID.fromString(jti);
            tx.read(c -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE operator_tokens SET last_used_at = now() WHERE jti = ?")) {
                    ps.setObject(1, id);
                    return ps.executeUpdate();
                }
            });
        } catch (RuntimeException e) {
            // Try again on the token's next call rather than a minute later.
            useWrittenAt.remove(jti);
            LOG.debug("could not record the use of operator token {}: {}", jti, e.getMessage());
        }
    }

    @PreDestroy
    void close() {
        useWriter.shutdown();
    }

    private static UUID tokenId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "token id must be a UUID (the id column of 'entente operators token list')");
        }
    }

    private static Optional<OperatorTokenRecord> find(Connection c, UUID jti, boolean lock) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM operator_tokens WHERE jti = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            ps.setObject(1, jti);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    private static OperatorTokenRecord row(ResultSet rs) throws SQLException {
        return new OperatorTokenRecord(rs.getObject("jti", UUID.class), rs.getString("subject"), strings(rs.getArray("roles")),
                rs.getString("issued_by"), instant(rs.getTimestamp("issued_at")), instant(rs.getTimestamp("expires_at")),
                strings(rs.getArray("minted_by")), instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("revoked_at")), rs.getString("revoked_by"), rs.getString("revoke_reason"));
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.copyOf(Arrays.asList((String[]) array.getArray()));
    }

    private static String instant(Timestamp t) {
        return t == null ? null : t.toInstant().toString();
    }
}
