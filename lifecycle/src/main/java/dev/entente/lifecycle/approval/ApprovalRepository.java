package dev.entente.lifecycle.approval;

import dev.entente.lifecycle.db.Tx;
import io.micronaut.data.model.Sort;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Approval rows in PostgreSQL. Creating a request is the only write here; every later change is
 * a transition through {@link ApprovalLifecycle}, so state never changes without its audit event.
 */
public final class ApprovalRepository {
    private static final Sort OLDEST_FIRST = Sort.of(Sort.Order.asc("createdAt"), Sort.Order.asc("id"));

    private final Tx tx;
    private final ApprovalTable rows;

    public ApprovalRepository(Tx tx, ApprovalTable rows) {
        this.tx = tx;
        this.rows = rows;
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
     * {@code c} is the connection of the caller's unit of this repository's {@link Tx}, which the
     * generated repository joins.
     */
    public Approval create(Connection c, UUID id, String action, String requester, List<String> requesterMintedBy,
                           String argumentsJson, byte[] sealedSecrets, java.time.Instant expiresAt) throws SQLException {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(expiresAt, "expiresAt");
        rows.save(new ApprovalRow(id, action, requester, argumentsJson == null ? "{}" : argumentsJson,
                ApprovalState.PENDING.value(), null, null, null, null, null, null, expiresAt,
                (requesterMintedBy == null ? List.<String>of() : requesterMintedBy).toArray(String[]::new),
                sealedSecrets, null));
        // read back for the database's defaults (version, created_at, updated_at)
        return rows.findById(id).orElseThrow().toApproval();
    }

    public Optional<Approval> find(UUID id) {
        return tx.read(c -> rows.findById(id).map(ApprovalRow::toApproval));
    }

    /** Requests in {@code state}, oldest first. */
    public List<Approval> listByState(ApprovalState state) {
        return tx.read(c -> rows.findByState(state.value(), OLDEST_FIRST).stream()
                .map(ApprovalRow::toApproval).toList());
    }

    /**
     * Hands the sealed secret result of an executed request to {@code requester}, once: the same
     * statement that reads it clears it, so two concurrent collects cannot both get it. Empty when
     * there is nothing (left) to collect or {@code requester} did not make the request.
     */
    public Optional<byte[]> takeSealedResult(UUID id, String requester) {
        // hand-written: Data cannot say "clear it and return the old value" in one locked statement
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
}
