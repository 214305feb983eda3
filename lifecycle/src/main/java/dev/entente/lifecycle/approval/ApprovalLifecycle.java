package dev.entente.lifecycle.approval;

import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.engine.Effect;
import dev.entente.lifecycle.engine.LifecycleDefinition;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.lifecycle.engine.TableBinding;
import dev.entente.lifecycle.engine.TransitionContext;
import dev.entente.lifecycle.engine.TransitionResult;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * The approval lifecycle: its definition and one verb-named operation per move. Each operation
 * is one engine transition; the columns it fills (approver, reason, result) are written by its
 * effect, so they commit with the state change and its audit event or not at all.
 */
public final class ApprovalLifecycle {
    /** Actor recorded for moves the hub makes itself (expiry, the outcome of the action). */
    public static final String SYSTEM_ACTOR = EventSource.APPROVALS.actor();

    /** The definition: table {@code approvals}, audit types {@code approval.<state>}. */
    public static final LifecycleDefinition<ApprovalState, ApprovalEvent> DEFINITION = new LifecycleDefinition<>(
            "approval", ApprovalState.class, ApprovalEvent.class, ApprovalTransitions.TABLE,
            ApprovalState.PENDING, TableBinding.of("approvals"), "approval");

    private final LifecycleEngine engine;

    public ApprovalLifecycle(LifecycleEngine engine) {
        this.engine = engine;
    }

    /**
     * {@code approver} (holding {@code roles}) approves at {@code now}: refused with
     * {@code approval_self_forbidden}, {@code approval_role_required} or {@code approval_expired}.
     */
    public TransitionResult<ApprovalState> approve(UUID id, String approver, Collection<String> roles, Instant now) {
        return approve(id, approver, java.util.List.of(), roles, now);
    }

    /**
     * As {@link #approve(UUID, String, Collection, Instant)}, for an approver whose token was minted
     * along {@code approverMintedBy} (root first): refused with {@code approval_self_forbidden} too
     * when the requester is in that chain, or the approver is in the requester's.
     */
    public TransitionResult<ApprovalState> approve(UUID id, String approver, java.util.List<String> approverMintedBy,
                                                   Collection<String> roles, Instant now) {
        Objects.requireNonNull(approver, "approver");
        TransitionContext context = TransitionContext.of(ApprovalTransitions.APPROVER, approver)
                .with(ApprovalTransitions.APPROVER_MINTED_BY, approverMintedBy == null ? java.util.List.of()
                        : java.util.List.copyOf(approverMintedBy))
                .with(ApprovalTransitions.APPROVER_ROLES, roles == null ? Set.of() : Set.copyOf(roles))
                .with(ApprovalTransitions.NOW, Objects.requireNonNull(now, "now"));
        try {
            return engine.apply(DEFINITION, id, ApprovalEvent.APPROVE, approver, context, Map.of(),
                    set("approver", approver));
        } catch (EntenteException e) {
            // The expiry job got there first: the request is expired, and the operator must hear
            // that, not that "approve" is not an event of state expired.
            if (e.code() == ErrorCode.TRANSITION_REJECTED && ApprovalState.EXPIRED.value().equals(e.extensions().get("state"))) {
                throw new EntenteException(ErrorCode.APPROVAL_EXPIRED, "approval " + id
                        + " expired before anyone approved it; request the action again", Map.of("id", id.toString()));
            }
            throw e;
        }
    }

    /** {@code operator} turns the request down; the reason is stored and audited. */
    public TransitionResult<ApprovalState> reject(UUID id, String operator, String reason) {
        Objects.requireNonNull(operator, "operator");
        return engine.apply(DEFINITION, id, ApprovalEvent.REJECT, operator, TransitionContext.EMPTY,
                reason == null ? Map.of() : Map.of("reason", reason), both(set("reason", reason), DROP_SECRETS));
    }

    /** The deadline passed with no decision (the sweeper calls this for rows past {@code expires_at}). */
    public TransitionResult<ApprovalState> expire(UUID id, Instant now) {
        return engine.apply(DEFINITION, id, ApprovalEvent.EXPIRE, SYSTEM_ACTOR,
                TransitionContext.of(ApprovalTransitions.NOW, now), Map.of("at", now.toString()), DROP_SECRETS);
    }

    /** The approved action ran and returned {@code result}. */
    public TransitionResult<ApprovalState> complete(UUID id, String result) {
        return complete(id, result, null);
    }

    /**
     * The approved action ran and returned {@code result}, plus a secret part kept for the
     * requester alone, already sealed ({@code null} when there is none).
     */
    public TransitionResult<ApprovalState> complete(UUID id, String result, byte[] sealedResult) {
        Effect keep = (c, row, from, to, context) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE approvals SET sealed_result = ? WHERE id = ?")) {
                ps.setBytes(1, sealedResult);
                ps.setObject(2, row.uuid("id"));
                ps.executeUpdate();
            }
        };
        return engine.apply(DEFINITION, id, ApprovalEvent.COMPLETE, SYSTEM_ACTOR, TransitionContext.EMPTY, Map.of(),
                both(set("result", result), both(keep, DROP_SECRETS)));
    }

    /** The approved action ran and failed with {@code error}, stored in {@code result}. */
    public TransitionResult<ApprovalState> fail(UUID id, String error) {
        return engine.apply(DEFINITION, id, ApprovalEvent.FAIL, SYSTEM_ACTOR, TransitionContext.EMPTY,
                error == null ? Map.of() : Map.of("error", error), both(set("result", error), DROP_SECRETS));
    }

    /**
     * A decided request never runs again, so its sealed secret arguments (an acceptance token) go
     * with the decision rather than waiting in the table and its backups.
     */
    private static final Effect DROP_SECRETS = (c, row, from, to, context) -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE approvals SET sealed_secrets = NULL WHERE id = ?")) {
            ps.setObject(1, row.uuid("id"));
            ps.executeUpdate();
        }
    };

    private static Effect both(Effect first, Effect second) {
        return (c, row, from, to, context) -> {
            first.run(c, row, from, to, context);
            second.run(c, row, from, to, context);
        };
    }

    // Column names are constants of this class, never caller input.
    private static Effect set(String column, String value) {
        return (c, row, from, to, context) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE approvals SET " + column + " = ? WHERE id = ?")) {
                ps.setString(1, value);
                ps.setObject(2, row.uuid("id"));
                ps.executeUpdate();
            }
        };
    }
}
