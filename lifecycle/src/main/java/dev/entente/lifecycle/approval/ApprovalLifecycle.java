package dev.entente.lifecycle.approval;

import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.engine.Effect;
import dev.entente.lifecycle.engine.LifecycleDefinition;
import dev.entente.lifecycle.engine.LifecycleEngine;
import dev.entente.lifecycle.engine.TableBinding;
import dev.entente.lifecycle.engine.TransitionResult;

import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
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
        Objects.requireNonNull(approver, "approver");
        Map<String, Object> context = new LinkedHashMap<>();
        context.put(ApprovalTransitions.APPROVER, approver);
        context.put(ApprovalTransitions.APPROVER_ROLES, roles == null ? Set.of() : Set.copyOf(roles));
        context.put(ApprovalTransitions.NOW, Objects.requireNonNull(now, "now"));
        return engine.apply(DEFINITION, id, ApprovalEvent.APPROVE, approver, context, Map.of(),
                set("approver", approver));
    }

    /** {@code operator} turns the request down; the reason is stored and audited. */
    public TransitionResult<ApprovalState> reject(UUID id, String operator, String reason) {
        Objects.requireNonNull(operator, "operator");
        return engine.apply(DEFINITION, id, ApprovalEvent.REJECT, operator, Map.of(),
                reason == null ? Map.of() : Map.of("reason", reason), set("reason", reason));
    }

    /** The deadline passed with no decision (the sweeper calls this for rows past {@code expires_at}). */
    public TransitionResult<ApprovalState> expire(UUID id, Instant now) {
        return engine.apply(DEFINITION, id, ApprovalEvent.EXPIRE, SYSTEM_ACTOR,
                Map.of(ApprovalTransitions.NOW, now), Map.of("at", now.toString()), Effect.NONE);
    }

    /** The approved action ran and returned {@code result}. */
    public TransitionResult<ApprovalState> complete(UUID id, String result) {
        return engine.apply(DEFINITION, id, ApprovalEvent.COMPLETE, SYSTEM_ACTOR, Map.of(), Map.of(),
                set("result", result));
    }

    /** The approved action ran and failed with {@code error}, stored in {@code result}. */
    public TransitionResult<ApprovalState> fail(UUID id, String error) {
        return engine.apply(DEFINITION, id, ApprovalEvent.FAIL, SYSTEM_ACTOR, Map.of(),
                error == null ? Map.of() : Map.of("error", error), set("result", error));
    }

    // Column names are constants of this class, never caller input.
    private static Effect set(String column, String value) {
        return (c, row, from, to, context) -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE approvals SET " + column + " = ? WHERE id = ?")) {
                ps.setString(1, value);
                ps.setObject(2, row.get("id"));
                ps.executeUpdate();
            }
        };
    }
}
