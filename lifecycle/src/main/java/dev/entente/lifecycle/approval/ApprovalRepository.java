package dev.entente.lifecycle.approval;

import dev.entente.lifecycle.db.Tx;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Approval rows in PostgreSQL. Creating a request is the only write here; every later change is
 * a transition through {@link ApprovalLifecycle}, so state never changes without its audit event.
 */
public final class ApprovalRepository {
    private static final String COLUMNS = "id, action, requester, arguments, state, version, approver, reason, "
            + "result, created_at, updated_at, expires_at, requester_minted_by, sealed_secrets, "
            + "sealed_result IS NOT NULL AS result_sealed";

    private final Tx tx;

    public ApprovalRepository(Tx tx) {
        this.tx = tx;
    }

    /** Stores a new pending request and returns it as stored. */
    public Approval create(String action, String requester, String argumentsJson, java.time.Instant expiresAt) {
        return tx.inTransaction(c -> create(c, action, requester, argumentsJson, expiresAt));
    }

    /** As {@link #create(String, String, String, java.time.Instant)}, on the caller's transaction. */
    public Approval create(Connection c, String action, String requester, String argumentsJson,
                           java.time.Instant expiresAt) throws SQLException {
        return create(c, UUID.randomUUID(), action, requester, List.of(), argumentsJson, null, expiresAt);
    }

    /**
     * Stores a new pending request with the id the caller chose (secrets are sealed with the id as
     * AAD before the row exists), the requester's minting chain, and its sealed secret arguments.
     */
    public Approval create(Connection c, UUID id, String action, String requester, List<String> requesterMintedBy,
                           String argumentsJson, byte[] sealedSecrets, java.time.Instant expiresAt) throws SQLException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(expiresAt, "expiresAt");
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO approvals (id, action, requester, arguments, "
                + "state, expires_at, requester_minted_by, sealed_secrets) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING "
                + COLUMNS)) {
            ps.setObject(1, id);
            ps.setString(2, action);
            ps.setString(3, requester);
            ps.setString(4, argumentsJson == null ? "{}" : argumentsJson);
            ps.setString(5, ApprovalState.PENDING.value());
            ps.setTimestamp(6, Timestamp.from(expiresAt));
            ps.setArray(7, c.createArrayOf("text", (requesterMintedBy == null ? List.<String>of() : requesterMintedBy).toArray()));
            ps.setBytes(8, sealedSecrets);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return read(rs);
            }
        }
    }

    public Optional<Approval> find(UUID id) {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM approvals WHERE id = ?")) {
                ps.setObject(1, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(read(rs)) : Optional.empty();
                }
            }
        });
    }

    /** Requests in {@code state}, oldest first. */
    public List<Approval> listByState(ApprovalState state) {
        return tx.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT " + COLUMNS + " FROM approvals WHERE state = ? ORDER BY created_at, id")) {
                ps.setString(1, state.value());
                List<Approval> out = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(read(rs));
                    }
                }
                return out;
            }
        });
    }

    /**
     * Hands the sealed secret result of an executed request to {@code requester}, once: the same
     * statement that reads it clears it, so two concurrent collects cannot both get it. Empty when
     * there is nothing (left) to collect or {@code requester} did not make the request.
     */
    public Optional<byte[]> takeSealedResult(UUID id, String requester) {
        return tx.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE approvals AS a SET sealed_result = NULL "
                    + "FROM (SELECT id, sealed_result FROM approvals WHERE id = ? AND requester = ? AND state = ? "
                    + "AND sealed_result IS NOT NULL FOR UPDATE) AS old WHERE a.id = old.id RETURNING old.sealed_result")) {
                ps.setObject(1, id);
                ps.setString(2, requester);
                ps.setString(3, ApprovalState.EXECUTED.value());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
                }
            }
        });
    }

    private static Approval read(ResultSet rs) throws SQLException {
        return new Approval(rs.getObject("id", UUID.class), rs.getString("action"), rs.getString("requester"),
                rs.getString("arguments"), ApprovalState.fromValue(rs.getString("state")), rs.getLong("version"),
                rs.getString("approver"), rs.getString("reason"), rs.getString("result"),
                rs.getTimestamp("created_at").toInstant(), rs.getTimestamp("updated_at").toInstant(),
                rs.getTimestamp("expires_at").toInstant(), strings(rs.getArray("requester_minted_by")),
                rs.getBytes("sealed_secrets"), rs.getBoolean("result_sealed"));
    }

    private static List<String> strings(java.sql.Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }
}
