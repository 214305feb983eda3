package dev.entente.federation.grant;

import dev.entente.federation.peer.PeerRevocationHook;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
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
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * The grant lifecycle: its definition and one verb-named operation per move. Each per-grant
 * operation is one engine transition (optimistic save, effect, audit event {@code grant.<state>},
 * one transaction). Three set-based moves: {@link #expireDue} (the expiry job, through the engine's
 * bulk transition), {@link #renewDue} (the renewal job) and {@link #revokeAllForPeer} (inside a
 * peer's REVOKE transaction).
 *
 * <p>Every move stamps {@code state_since}.
 */
public final class GrantLifecycle {
    /** Actor recorded for moves the hub makes itself (expiry, revocation with the peer). */
    public static final String SYSTEM_ACTOR = EventSource.GRANT_EXPIRY.actor();
    /** Actor recorded for the worker's auto-renewals. */
    public static final String RENEWAL_ACTOR = EventSource.GRANT_RENEWAL.actor();
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

    /**
     * {@code operator} changes an active grant in place: same id, same bearer token, and the next
     * call on any replica is judged by the new scopes (the commit drops this process's cached row;
     * the V9 trigger's NOTIFY drops the others'). A new {@code expiresIn} starts a new term from
     * now; turning auto-renewal on without a maximum lifetime gives it
     * {@link GrantRepository#DEFAULT_AUTO_LIFETIME}. Audited as {@code grant.active}, event
     * {@code update}, with the fields changed.
     *
     * @throws EntenteException {@code transition_rejected} for an expired or revoked grant (or one
     *                          past its expiry); {@code invalid_request} when the expiry would
     *                          outrun the maximum lifetime
     */
    public TransitionResult<GrantState> update(UUID id, GrantChange change, String operator) {
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(operator, "operator");
        Instant now = engine.clock().instant();
        List<String> scopes = change.scopes() == null ? null : change.scopes().stream().map(p -> p.value()).toList();
        Instant newExpiry = change.expiresIn() == null ? null
                : GrantRepository.checkExpiry(now.plus(change.expiresIn()), now);
        // The event lists what the operator named, and only that.
        AuditDetails changed = AuditDetails.of();
        putIfSet(changed, "permission_scopes", scopes);
        putIfSet(changed, "instance_ids", change.instanceIds());
        putIfSet(changed, "network_ids", change.networkIds());
        putIfSet(changed, "source_cidrs", change.sourceCidrs());
        if (newExpiry != null) {
            changed.put("expires_at", newExpiry);
        }
        if (change.autoRenew() != null) {
            changed.put("auto_renew", change.autoRenew().booleanValue());
        }
        Map<String, ?> details = changed.asMap();
        return engine.apply(DEFINITION, id, GrantEvent.UPDATE, operator, TransitionContext.of(GrantTransitions.NOW, now),
                details, (c, row, from, to, ctx) -> {
                    Instant expires = newExpiry == null ? row.instant("expires_at") : newExpiry;
                    boolean auto = change.autoRenewsAfter(Boolean.TRUE.equals(row.get("auto_renew")));
                    Instant max = null;
                    if (auto) {
                        Instant current = row.instant("max_expires_at");
                        max = change.maxLifetime() != null ? now.plus(change.maxLifetime())
                                : current != null ? current : now.plus(GrantRepository.DEFAULT_AUTO_LIFETIME);
                        max = GrantRepository.checkMaxExpiry(max, expires, now);
                    }
                    // A null parameter keeps the column: only what the operator named changes.
                    try (PreparedStatement ps = c.prepareStatement("UPDATE grants SET "
                            + "permission_scopes = COALESCE(?, permission_scopes), instance_ids = COALESCE(?, instance_ids), "
                            + "network_ids = COALESCE(?, network_ids), source_cidrs = COALESCE(?, source_cidrs), "
                            + "expires_at = ?, term_started_at = ?, auto_renew = ?, max_expires_at = ? WHERE id = ?")) {
                        ps.setArray(1, array(c, scopes));
                        ps.setArray(2, array(c, change.instanceIds()));
                        ps.setArray(3, array(c, change.networkIds()));
                        ps.setArray(4, array(c, change.sourceCidrs()));
                        ps.setTimestamp(5, Timestamp.from(expires));
                        ps.setTimestamp(6, Timestamp.from(newExpiry == null ? row.instant("term_started_at")
                                : now.truncatedTo(ChronoUnit.MICROS)));
                        ps.setBoolean(7, auto);
                        ps.setTimestamp(8, max == null ? null : Timestamp.from(max));
                        ps.setObject(9, row.uuid("id"));
                        ps.executeUpdate();
                    }
                });
    }

    /**
     * {@code operator} gives an active grant a new term of {@code expiresIn} from now, keeping its
     * id and token; audited as {@code grant.active}, event {@code renew}. An auto-renewing grant
     * is renewed up to its maximum lifetime only.
     *
     * @throws EntenteException {@code transition_rejected} for an expired or revoked grant;
     *                          {@code invalid_request} past the maximum lifetime
     */
    public TransitionResult<GrantState> renew(UUID id, Duration expiresIn, String operator) {
        Objects.requireNonNull(expiresIn, "expiresIn");
        Objects.requireNonNull(operator, "operator");
        Instant now = engine.clock().instant();
        Instant expires = GrantRepository.checkExpiry(now.plus(expiresIn), now);
        return engine.apply(DEFINITION, id, GrantEvent.RENEW, operator, TransitionContext.of(GrantTransitions.NOW, now),
                Map.of("expires_at", expires.toString()), (c, row, from, to, ctx) -> {
                    Instant max = row.instant("max_expires_at");
                    if (max != null && expires.isAfter(max)) {
                        throw GrantRepository.invalid("grant " + id + " may last until " + max + " at most; renew it for "
                                + "less, or raise the maximum with entente grants update " + id + " --max-lifetime D");
                    }
                    try (PreparedStatement ps = c.prepareStatement("UPDATE grants SET expires_at = ?, term_started_at = ?, "
                            + "renewed_count = renewed_count + 1 WHERE id = ?")) {
                        ps.setTimestamp(1, Timestamp.from(expires));
                        ps.setTimestamp(2, Timestamp.from(now.truncatedTo(ChronoUnit.MICROS)));
                        ps.setObject(3, row.uuid("id"));
                        ps.executeUpdate();
                    }
                });
    }

    /** {@link #renewDue(Instant, int)} with {@link #EXPIRY_BATCH} grants per batch. */
    public List<UUID> renewDue(Instant now) {
        return renewDue(now, EXPIRY_BATCH);
    }

    /**
     * The worker's auto-renewal: every active, auto-renewing grant whose peer is {@code active}
     * and two thirds of whose term have passed at {@code now} gets a new term of the same length
     * from {@code now}, capped at its {@code max_expires_at}. A grant already at its maximum, one
     * past its expiry, or one of a suspended, degraded or revoked peer is left to lapse. Set-based,
     * {@code batchSize} grants per statement, one {@code grant.renewed} audit event per batch
     * (actor {@value #RENEWAL_ACTOR}; details {@code ids}, {@code count}); safe to run twice and on
     * several replicas at once ({@code FOR UPDATE SKIP LOCKED}, and a renewed grant is not due
     * again until two thirds of its new term). Every replica's access cache learns of the new
     * expiry from the V9 trigger.
     *
     * @return the ids renewed
     */
    public List<UUID> renewDue(Instant now, int batchSize) {
        Objects.requireNonNull(now, "now");
        Timestamp at = Timestamp.from(now.truncatedTo(ChronoUnit.MICROS));
        List<UUID> all = new ArrayList<>();
        while (true) {
            List<UUID> batch = engine.tx().inTransaction(c -> {
                List<UUID> ids = new ArrayList<>();
                // The peer's state is read without a lock: a suspension committing meanwhile lets
                // this one renewal through, and the next run leaves the grant to lapse.
                try (PreparedStatement ps = c.prepareStatement("UPDATE grants g SET "
                        + "expires_at = LEAST(?::timestamptz + (g.expires_at - g.term_started_at), g.max_expires_at), "
                        + "term_started_at = ?, renewed_count = g.renewed_count + 1, version = g.version + 1, "
                        + "updated_at = now() WHERE g.id IN (SELECT d.id FROM grants d JOIN peers p ON p.id = d.peer_id "
                        + "WHERE d.state = ? AND d.auto_renew AND p.state = 'active' AND d.expires_at > ? "
                        + "AND d.expires_at < d.max_expires_at "
                        + "AND d.term_started_at + (d.expires_at - d.term_started_at) * 2 / 3 <= ? "
                        + "ORDER BY d.expires_at LIMIT ? FOR UPDATE OF d SKIP LOCKED) RETURNING g.id")) {
                    ps.setTimestamp(1, at);
                    ps.setTimestamp(2, at);
                    ps.setString(3, GrantState.ACTIVE.value());
                    ps.setTimestamp(4, at);
                    ps.setTimestamp(5, at);
                    ps.setInt(6, batchSize);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getObject(1, UUID.class));
                        }
                    }
                }
                if (!ids.isEmpty()) {
                    List<String> idStrings = new ArrayList<>(ids.size());
                    ids.forEach(id -> idStrings.add(id.toString()));
                    Collections.sort(idStrings);
                    AuditDetails details = AuditDetails.of().put("count", ids.size()).put("ids", idStrings);
                    audit.append(c, AuditEvent.of(AuditEventType.GRANT_RENEWED, RENEWAL_ACTOR,
                            DEFINITION.table().table(), details));
                }
                return ids;
            });
            all.addAll(batch);
            if (batch.size() < batchSize) {
                return List.copyOf(all);
            }
        }
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

    private static void putIfSet(AuditDetails details, String key, List<String> value) {
        if (value != null) {
            details.put(key, value);
        }
    }

    private static java.sql.Array array(Connection c, Object values) throws SQLException {
        return values == null ? null : c.createArrayOf("text", ((List<?>) values).toArray());
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
