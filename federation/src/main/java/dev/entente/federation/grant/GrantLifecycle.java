package dev.entente.federation.grant;

import dev.entente.federation.peer.PeerRevocationHook;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.engine.BulkEffect;
import dev.entente.lifecycle.engine.BulkTransitionResult;
import dev.entente.lifecycle.engine.Effect;
import dev.entente.lifecycle.engine.LifecycleDefinition;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.lifecycle.engine.SqlFragment;
import dev.entente.lifecycle.engine.TableBinding;
import dev.entente.lifecycle.engine.TransitionContext;
import dev.entente.lifecycle.engine.TransitionResult;
import dev.entente.lifecycle.error.EntenteException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The grant lifecycle: its definition and one verb-named operation per move. Each per-grant
 * operation is one engine transition (optimistic save, effect, audit event {@code grant.<state>},
 * one transaction). Two set-based moves: {@link #expireDue} (the expiry job, through the engine's
 * bulk transition) and {@link #revokeAllForPeer} (inside a peer's REVOKE transaction).
 *
 * <p>Every move stamps {@code state_since}.
 */
public final class GrantLifecycle {
    /** Actor recorded for moves the hub makes itself (expiry, revocation with the peer). */
    public static final String SYSTEM_ACTOR = EventSource.GRANT_EXPIRY.actor();
    /** Grants per batch of {@link #expireDue}: per set-based update and per audit event. */
    public static final int EXPIRY_BATCH = 1_000;

    /**
     * The definition: table {@code grants}, audit types {@code grant.<state>}. Public so the
     * integrator can add it to the generated {@code docs/state-machines.md}.
     */
    public static final LifecycleDefinition<GrantState, GrantEvent> DEFINITION = new LifecycleDefinition<>(
            "grant", GrantState.class, GrantEvent.class, GrantTransitions.TABLE, GrantState.ACTIVE,
            TableBinding.of("grants"), "grant");

    private final LifecycleEngine engine;
    private final AuditLog audit;

    /**
     * @param engine the lifecycle engine
     * @param audit  the audit log the engine appends to: {@link #revokeAllForPeer} runs on the
     *               caller's connection, outside the engine, and appends its event itself
     */
    public GrantLifecycle(LifecycleEngine engine, AuditLog audit) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.audit = Objects.requireNonNull(audit, "audit");
    }

    /**
     * {@code operator} withdraws the grant: active → revoked; calls under it
     * are refused with {@code grant_revoked} from the moment this commits. Revoking a revoked
     * grant is a no-op.
     *
     * @param reason recorded on the grant and in the audit event; may be {@code null}
     * @throws EntenteException {@code transition_rejected} for an expired grant
     */
    public TransitionResult<GrantState> revoke(UUID id, String operator, String reason) {
        Objects.requireNonNull(operator, "operator");
        Instant now = engine.clock().instant();
        String why = reason == null || reason.isBlank() ? null : reason;
        return engine.apply(DEFINITION, id, GrantEvent.REVOKE, operator, TransitionContext.of(GrantTransitions.NOW, now),
                why == null ? Map.of() : Map.of("reason", why),
                (c, row, from, to, ctx) -> {
                    try (PreparedStatement ps = c.prepareStatement(
                            "UPDATE grants SET revoked_reason = ?, state_since = ? WHERE id = ?")) {
                        ps.setString(1, why);
                        ps.setTimestamp(2, Timestamp.from(now));
                        ps.setObject(3, row.uuid("id"));
                        ps.executeUpdate();
                    }
                });
    }

    /**
     * The grant's expiry was reached at {@code now}: active → expired. Expiring an expired grant
     * is a no-op. Used lazily by {@link GrantAuthorizer} when a call arrives after
     * {@code expires_at} before the expiry job ran.
     *
     * @throws EntenteException {@code grant_not_expired} when {@code now} is before
     *                          {@code expires_at}; {@code transition_rejected} for a revoked
     *                          grant
     */
    public TransitionResult<GrantState> expire(UUID id, Instant now) {
        Objects.requireNonNull(now, "now");
        return engine.apply(DEFINITION, id, GrantEvent.EXPIRE, SYSTEM_ACTOR, TransitionContext.of(GrantTransitions.NOW, now),
                Map.of(), stampStateSince(now));
    }

    /** {@link #expireDue(Instant, int)} with {@link #EXPIRY_BATCH} grants per batch. */
    public BulkTransitionResult<GrantState> expireDue(Instant now) {
        return expireDue(now, EXPIRY_BATCH);
    }

    /**
     * Expires every active grant whose {@code expires_at <= now}, set-based: up to
     * {@code batchSize} grants per statement and one {@code grant.expired} audit event per batch
     * (details {@code ids}, {@code count}). The {@code expiry_reached} guard becomes SQL here so
     * PostgreSQL evaluates it on each locked row; safe to run twice and on several replicas at
     * once ({@code FOR UPDATE SKIP LOCKED}), and a grant revoked meanwhile is simply not matched.
     *
     * @return the ids expired and how many batches (audit events) it took
     */
    public BulkTransitionResult<GrantState> expireDue(Instant now, int batchSize) {
        Objects.requireNonNull(now, "now");
        Timestamp at = Timestamp.from(now);
        return engine.applyBulk(DEFINITION, GrantState.ACTIVE, GrantEvent.EXPIRE, SYSTEM_ACTOR,
                SqlFragment.of("expires_at <= ?", at), Map.of("state_since", SqlFragment.of("?", at)),
                Map.of(), BulkEffect.NONE, batchSize);
    }

    /**
     * Revokes every active grant of {@code peerId} on the caller's connection, inside
     * the caller's transaction: the peer's REVOKE runs this as its revocation hook, so the peer and
     * its grants are revoked together or not at all. One set-based {@code UPDATE} (state revoked,
     * version + 1, {@code revoked_reason}, {@code state_since}) and, when it changed anything, one
     * {@code grant.revoked} audit event (subject {@code grants}; details {@code event, from, to,
     * count, ids, peer_id, reason}).
     *
     * <p>Why not the engine: its transitions open their own transactions, and a grant revoked in
     * another transaction than its peer could survive a peer revocation that rolls back, or miss
     * one that commits. The version bump still makes a concurrent per-grant transition (an
     * expiry) lose its optimistic save with {@code conflict}; one that committed first is seen
     * by this statement (read committed re-reads the row) and revoked with the rest.
     *
     * @param c      the caller's connection, not in auto-commit (do not commit, roll back or close it)
     * @param reason recorded on each grant as {@code peer revoked: <reason>}
     * @return the ids revoked (empty when the peer had none live)
     */
    public List<UUID> revokeAllForPeer(Connection c, UUID peerId, String reason) throws SQLException {
        Objects.requireNonNull(c, "c");
        Objects.requireNonNull(peerId, "peerId");
        Instant now = engine.clock().instant();
        String why = "peer revoked" + (reason == null || reason.isBlank() ? "" : ": " + reason);
        List<UUID> ids = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("UPDATE grants SET state = ?, version = version + 1, "
                + "updated_at = now(), state_since = ?, revoked_reason = ? "
                + "WHERE peer_id = ? AND state = ? RETURNING id")) {
            ps.setString(1, GrantState.REVOKED.value());
            ps.setTimestamp(2, Timestamp.from(now));
            ps.setString(3, why);
            ps.setObject(4, peerId);
            ps.setString(5, GrantState.ACTIVE.value());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getObject(1, UUID.class));
                }
            }
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        List<String> idStrings = new ArrayList<>(ids.size());
        ids.forEach(id -> idStrings.add(id.toString()));
        Collections.sort(idStrings);
        AuditDetails details = AuditDetails.of()
                .put("event", LifecycleDefinition.eventName(GrantEvent.REVOKE))
                .put("from", GrantState.ACTIVE.value())
                .put("to", GrantState.REVOKED.value())
                .put("count", ids.size())
                .put("ids", idStrings)
                .put("peer_id", peerId.toString())
                .put("reason", why);
        audit.append(c, AuditEvent.of(DEFINITION.auditType(GrantState.REVOKED), SYSTEM_ACTOR,
                DEFINITION.table().table(), details));
        return List.copyOf(ids);
    }

    /** {@link #revokeAllForPeer} as a peer revocation hook, to chain into {@code PeerLifecycle}. */
    public PeerRevocationHook peerRevocationHook() {
        return (c, peerId, reason) -> revokeAllForPeer(c, peerId, reason);
    }

    private static Effect stampStateSince(Instant now) {
        return (c, row, from, to, ctx) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE grants SET state_since = ? WHERE id = ?")) {
                ps.setTimestamp(1, Timestamp.from(now));
                ps.setObject(2, row.uuid("id"));
                ps.executeUpdate();
            }
        };
    }
}
