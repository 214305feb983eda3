package dev.entente.lifecycle.engine;

import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies an event to a persisted entity (DESIGN §3), all in one transaction: load the row, put a
 * machine in the row's state, send the event with the row and context as headers, save the new
 * state with an optimistic version check, run the effect, append the audit event, commit.
 *
 * <p>There is no row lock: two concurrent transitions both read version {@code n}; the first
 * {@code UPDATE ... WHERE version = n} wins and the second finds no row and fails with
 * {@code conflict} (409), which the caller may retry. Effects run after the save, so the loser
 * never runs its effect.
 */
public final class LifecycleEngine {
    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;
    private final Map<LifecycleDefinition<?, ?>, StateMachineAdapter<?, ?>> adapters = new ConcurrentHashMap<>();

    public LifecycleEngine(Tx tx, AuditLog audit, Clock clock) {
        this.tx = Objects.requireNonNull(tx, "tx");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The clock lifecycles use for {@code now} when the caller does not pass one. */
    public Clock clock() {
        return clock;
    }

    /** {@link #apply(LifecycleDefinition, Object, Enum, String, Map, Map, Effect)} with no extra audit details. */
    public <S extends Enum<S> & LifecycleState, E extends Enum<E>> TransitionResult<S> apply(
            LifecycleDefinition<S, E> definition, Object id, E event, String actor,
            Map<String, Object> context, Effect effect) {
        return apply(definition, id, event, actor, context, Map.of(), effect);
    }

    /**
     * Applies {@code event} to the entity {@code id}.
     *
     * @param definition   the lifecycle
     * @param id           the row's id, bound with {@code setObject} (a {@link java.util.UUID} for uuid columns)
     * @param event        what happens
     * @param actor        who does it (the audit event's actor)
     * @param context      what guards and the effect may read (who, roles, {@code now}); not stored
     * @param auditDetails extra audit details, next to {@code from}, {@code to} and {@code event}
     * @param effect       work to do after the save, in the same transaction
     * @return the states before and after, the new version, and whether anything changed
     * @throws EntenteException {@code not_found} when there is no such row; {@code transition_rejected}
     *                          when the state does not accept the event; a guard's own code when a
     *                          guard refuses; {@code conflict} when a concurrent transition won
     */
    public <S extends Enum<S> & LifecycleState, E extends Enum<E>> TransitionResult<S> apply(
            LifecycleDefinition<S, E> definition, Object id, E event, String actor,
            Map<String, Object> context, Map<String, Object> auditDetails, Effect effect) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(actor, "actor");
        Map<String, Object> ctx = context == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(context));
        Effect work = effect == null ? Effect.NONE : effect;
        StateMachineAdapter<S, E> machines = adapter(definition);
        TableBinding t = definition.table();

        return tx.inTransaction(c -> {
            // 1. load
            Map<String, Object> row = load(c, definition, id);
            S from = definition.state((String) row.get(t.stateColumn()));
            long version = ((Number) row.get(t.versionColumn())).longValue();

            // 2 + 3. reset a machine to the row's state and send the event
            StateMachineAdapter.Outcome<S> outcome = machines.fire(from, event, id, row, ctx);

            // 4. refused
            if (outcome.guardFailure().isPresent()) {
                throw outcome.guardFailure().get();
            }
            if (!outcome.accepted()) {
                if (definition.transition(from, event).isEmpty() && definition.targetsOf(event).contains(from)) {
                    // Already where this event leads (reject twice, expire twice): a no-op, not an error.
                    return new TransitionResult<>(from, from, version, false);
                }
                throw rejected(definition, id, from, event);
            }
            S to = outcome.to();

            // 5. optimistic save
            String touch = t.updatedAtColumn() == null ? "" : ", " + t.updatedAtColumn() + " = now()";
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.table() + " SET " + t.stateColumn()
                    + " = ?, " + t.versionColumn() + " = " + t.versionColumn() + " + 1" + touch + " WHERE "
                    + t.idColumn() + " = ? AND " + t.versionColumn() + " = ?")) {
                ps.setString(1, to.value());
                ps.setObject(2, id);
                ps.setLong(3, version);
                if (ps.executeUpdate() == 0) {
                    throw new EntenteException(ErrorCode.CONFLICT, definition.entity() + " " + id
                            + " changed while " + LifecycleDefinition.eventName(event)
                            + " was applied; reload it and retry",
                            Map.of("entity", definition.entity(), "id", String.valueOf(id),
                                    "event", LifecycleDefinition.eventName(event), "version", version));
                }
            }

            // 6. effects, only now that the save won
            work.run(c, Collections.unmodifiableMap(row), from, to, ctx);

            // 7. audit on the same transaction
            Map<String, Object> details = new LinkedHashMap<>();
            if (auditDetails != null) {
                details.putAll(auditDetails);
            }
            details.put("from", from.value());
            details.put("to", to.value());
            details.put("event", LifecycleDefinition.eventName(event));
            audit.append(c, AuditEvent.of(definition.auditPrefix() + "." + to.value(), actor,
                    String.valueOf(id), details));
            return new TransitionResult<>(from, to, version + 1, true);
        });
    }

    @SuppressWarnings("unchecked")
    private <S extends Enum<S> & LifecycleState, E extends Enum<E>> StateMachineAdapter<S, E> adapter(
            LifecycleDefinition<S, E> definition) {
        return (StateMachineAdapter<S, E>) adapters.computeIfAbsent(definition, d -> new StateMachineAdapter<>(definition));
    }

    private static Map<String, Object> load(Connection c, LifecycleDefinition<?, ?> definition, Object id)
            throws SQLException {
        TableBinding t = definition.table();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM " + t.table() + " WHERE " + t.idColumn() + " = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new EntenteException(ErrorCode.NOT_FOUND, "no " + definition.entity() + " " + id,
                            Map.of("entity", definition.entity(), "id", String.valueOf(id)));
                }
                ResultSetMetaData md = rs.getMetaData();
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    // Guards compare instants; java.sql.Timestamp's equals/compareTo traps are kept out of them.
                    row.put(md.getColumnLabel(i), v instanceof Timestamp ts ? ts.toInstant() : v);
                }
                return row;
            }
        }
    }

    private static <S extends Enum<S> & LifecycleState, E extends Enum<E>> EntenteException rejected(
            LifecycleDefinition<S, E> definition, Object id, S from, E event) {
        List<String> allowed = new ArrayList<>();
        definition.allowedEvents(from).forEach(e -> allowed.add(LifecycleDefinition.eventName(e)));
        String state = from.value();
        String message = "cannot " + LifecycleDefinition.eventName(event) + " " + article(state) + " " + state + " "
                + definition.entity() + "; allowed from " + state + ": "
                + (allowed.isEmpty() ? "none" : String.join(", ", allowed));
        Map<String, Object> ext = new LinkedHashMap<>();
        ext.put("entity", definition.entity());
        ext.put("id", String.valueOf(id));
        ext.put("state", state);
        ext.put("event", LifecycleDefinition.eventName(event));
        ext.put("allowed_events", List.copyOf(allowed));
        return new EntenteException(ErrorCode.TRANSITION_REJECTED, message, ext);
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
}
