package dev.entente.lifecycle.engine;

import dev.entente.lifecycle.audit.AuditDetails;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Applies an event to a persisted entity (DESIGN §3), all in one transaction: load the row, put a
 * machine in the row's state, send the event with the row and context as headers, save the new
 * state with an optimistic version check, run the effect, append the audit event, commit.
 *
 * <p>There is no row lock: two concurrent transitions both read version {@code n}; the first
 * {@code UPDATE ... WHERE version = n} wins and the second finds no row and fails with
 * {@code conflict} (409), which the caller may retry. Effects run after the save, so the loser
 * never runs its effect.
 *
 * <p>Two variations, both opt-in through the definition or the call:
 * <ul>
 *   <li>A {@linkplain Transition#quiet() quiet} internal transition locks the row, checks the
 *       version is still the one loaded, runs the effect and commits: no version bump, no audit
 *       event (high-frequency bookkeeping such as heartbeats).</li>
 *   <li>{@link #applyBulk} moves every row matching a SQL guard from one state to another with
 *       set-based updates in batches, one audit event per batch (sweeps over many rows).</li>
 * </ul>
 */
public final class LifecycleEngine {
    /** Default rows per batch for {@link #applyBulk}: one audit event per this many rows. */
    public static final int DEFAULT_BULK_BATCH = 1_000;
    // Column names of applyBulk's SET are spliced into SQL, like TableBinding's: plain identifiers only.
    private static final Pattern BULK_COLUMN = Pattern.compile("[a-z_][a-z0-9_]*");

    private final Tx tx;
    private final AuditLog audit;
    private final Clock clock;
    private final Map<LifecycleDefinition<?, ?>, StateMachineAdapter<?, ?>> adapters = new ConcurrentHashMap<>();
    private final List<CommitListener> commitListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    /**
     * Told, after the commit (of the whole {@link Tx#inOneTransaction} when the transition ran
     * inside one), that rows of {@code table} changed state: for in-memory copies of those rows
     * (the control plane's authentication cache) that must not outlive the change by even one
     * request. Runs on the thread that applied the transition; must not throw.
     */
    @FunctionalInterface
    public interface CommitListener {
        void committed(String table, List<Object> ids);
    }

    public LifecycleEngine(Tx tx, AuditLog audit, Clock clock) {
        this.tx = Objects.requireNonNull(tx, "tx");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Registers a listener for committed state changes (see {@link CommitListener}). */
    public void onCommit(CommitListener listener) {
        commitListeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void committed(TableBinding t, List<Object> ids) {
        for (CommitListener l : commitListeners) {
            try {
                l.committed(t.table(), ids);
            } catch (RuntimeException e) {
                // A listener's bug must not turn a committed transition into a reported failure.
                System.getLogger(LifecycleEngine.class.getName()).log(System.Logger.Level.WARNING,
                        "commit listener failed for " + t.table(), e);
            }
        }
    }

    /** The transactions this engine runs in, for effects of quiet transitions done in one statement. */
    public Tx tx() {
        return tx;
    }

    public Clock clock() {
        return clock;
    }

    /** {@link #apply(LifecycleDefinition, Object, Enum, String, TransitionContext, Map, Effect)} with no extra audit details. */
    public <S extends Enum<S> & LifecycleState, E extends Enum<E>> TransitionResult<S> apply(
            LifecycleDefinition<S, E> definition, Object id, E event, String actor,
            TransitionContext context, Effect effect) {
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
     * @param auditDetails extra audit details, next to {@code from}, {@code to} and {@code event}:
     *                     free-form JSON of the audit event, as {@link AuditEvent#details()} is
     * @param effect       work to do after the save, in the same transaction
     * @return the states before and after, the new version, and whether anything changed; for a
     *         quiet transition the version is the one loaded and {@code changed} is {@code true}
     *         (the effect ran), though nothing was audited
     * @throws EntenteException {@code not_found} when there is no such row; {@code transition_rejected}
     *                          when the state does not accept the event; a guard's own code when a
     *                          guard refuses; {@code conflict} when a concurrent transition won
     */
    public <S extends Enum<S> & LifecycleState, E extends Enum<E>> TransitionResult<S> apply(
            LifecycleDefinition<S, E> definition, Object id, E event, String actor,
            TransitionContext context, Map<String, ?> auditDetails, Effect effect) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(actor, "actor");
        TransitionContext ctx = context == null ? TransitionContext.EMPTY : context;
        Effect work = effect == null ? Effect.NONE : effect;
        StateMachineAdapter<S, E> machines = adapter(definition);
        TableBinding t = definition.table();

        TransitionResult<S> result = tx.inTransaction(c -> {
            // 1. load
            Row row = load(c, definition, id);
            S from = definition.state(row.string(t.stateColumn()));
            long version = row.longValue(t.versionColumn());

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

            if (definition.transition(from, event).map(Transition::quiet).orElse(false)) {
                // Quiet: no version bump, no audit. The row lock plus the version check stand in
                // for the optimistic save: a state change that committed since the load (a sweep
                // marking the entity, an operator's suspend) makes this a conflict the caller can
                // retry from the new state, instead of the effect writing onto a row the guard and
                // the machine never saw. Holding the lock until commit also makes any set-based
                // job (applyBulk, FOR UPDATE SKIP LOCKED) skip or wait for this row, so it
                // re-evaluates its SQL guard on what this effect wrote.
                lockUnchanged(c, definition, id, version, event);
                work.run(c, row, from, to, ctx);
                return new TransitionResult<>(from, to, version, true);
            }

            // 5. optimistic save. Hand-written: one compare-and-swap for every lifecycle's table, which
            // Data's repositories (one per entity) cannot say generically.
            String touch = t.updatedAtColumn() == null ? "" : ", " + t.updatedAtColumn() + " = now()";
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.table() + " SET " + t.stateColumn()
                    + " = ?, " + t.versionColumn() + " = " + t.versionColumn() + " + 1" + touch + " WHERE "
                    + t.idColumn() + " = ? AND " + t.versionColumn() + " = ?")) {
                ps.setString(1, to.value());
                ps.setObject(2, id);
                ps.setLong(3, version);
                if (ps.executeUpdate() == 0) {
                    throw conflict(definition, id, event, version);
                }
            }

            // 6. effects, only now that the save won
            work.run(c, row, from, to, ctx);

            // 7. audit on the same transaction; details are the event's free-form JSON (see AuditEvent)
            AuditDetails details = AuditDetails.of()
                    .putAll(auditDetails)
                    .put("from", from.value())
                    .put("to", to.value())
                    .put("event", LifecycleDefinition.eventName(event));
            audit.append(c, AuditEvent.of(definition.auditType(to), actor,
                    String.valueOf(id), details));
            return new TransitionResult<>(from, to, version + 1, true);
        });
        // Quiet transitions change only bookkeeping, so nothing a listener holds can have gone stale;
        // an internal one that is not quiet (a grant update) changed what a listener may cache.
        boolean quiet = definition.transition(result.from(), event).map(Transition::quiet).orElse(false);
        if (result.changed() && (result.from() != result.to() || !quiet)) {
            // Inside Tx.inOneTransaction the commit is the operation's, not this call's.
            tx.afterCommit(() -> committed(t, List.of(id)));
        }
        return result;
    }

    /**
     * {@link #applyBulk(LifecycleDefinition, Enum, Enum, String, SqlFragment, Map, Map, BulkEffect, int)}
     * with no effect and {@link #DEFAULT_BULK_BATCH} rows per batch.
     */
    public <S extends Enum<S> & LifecycleState, E extends Enum<E>> BulkTransitionResult<S> applyBulk(
            LifecycleDefinition<S, E> definition, S from, E event, String actor, SqlFragment guard,
            Map<String, SqlFragment> set, Map<String, ?> auditDetails) {
        return applyBulk(definition, from, event, actor, guard, set, auditDetails, BulkEffect.NONE, DEFAULT_BULK_BATCH);
    }

    /**
     * Applies {@code event} to every row in state {@code from} that matches {@code guard}, with
     * set-based updates of up to {@code batchSize} rows, each batch in its own transaction:
     * <pre>
     * WITH bulk_batch AS MATERIALIZED (
     *     SELECT id AS bulk_id FROM t WHERE state = :from AND (guard) LIMIT :batch FOR UPDATE SKIP LOCKED)
     * UPDATE t SET state = :to, version = version + 1, updated_at = now(), col = expr ...
     *  WHERE t.id = ANY (ARRAY(SELECT bulk_id FROM bulk_batch)) AND state = :from AND (guard)
     * RETURNING t.id
     * </pre>
     * then the effect and ONE audit event {@code <prefix>.<to>} for the batch (details
     * {@code event, from, to, count, ids} and {@code auditDetails}; subject the table name), so the
     * chain still records every state change while taking the audit lock once per batch instead of
     * once per row. Batches repeat until one moves nothing.
     *
     * <p><b>Why the guard is SQL here.</b> A Java {@link Guard} reads a row loaded before the save,
     * which is safe per entity only because the optimistic save catches a row that changed in
     * between. A set-based update has no per-row version to compare, so the condition must be
     * evaluated by PostgreSQL on the row version it is about to change, under that row's lock:
     * {@code FOR UPDATE} re-checks the batch query's predicate on the newest committed version of a
     * row that changed since the statement began, and the outer {@code WHERE} re-checks it again
     * on the row actually updated. A concurrent writer that commits first (a heartbeat refreshing
     * {@code last_heartbeat_at}) therefore wins: its row no longer matches and is left alone. The
     * caller passes the SQL form of the transition's guard; the definition's Java guard is not run.
     *
     * <p><b>Concurrency.</b> {@code SKIP LOCKED} lets several replicas run the same bulk
     * transition at once and split the rows between them instead of queueing on each other's
     * locks; no row is moved twice, since a row one of them moved no longer has state
     * {@code from}. A row locked by anything else (a transition in flight) is skipped by this run
     * and left to that writer or to the next run, which is why callers must be periodic jobs that
     * re-check on every run, not one-shot commands.
     *
     * @param definition   the lifecycle; {@code (from, event)} must be in its table
     * @param from         the state rows must be in
     * @param event        what happens to them
     * @param actor        who does it (each batch's audit actor)
     * @param guard        the SQL predicate rows must match (the transition's guard, as SQL),
     *                     or {@code null} when the transition has no guard
     * @param set          more columns to set, column name to new value (may refer to the row's
     *                     own columns); not the state, version or updated-at column
     * @param auditDetails extra details for every batch's audit event
     * @param effect       work per batch, after its update, in its transaction
     * @param batchSize    rows per batch (and per audit event); positive
     * @return every id moved and how many batches it took
     * @throws EntenteException {@code transition_rejected}, before touching the database, when the
     *                          table has no {@code (from, event)} transition
     * @throws IllegalArgumentException for a quiet transition (it has no state change to record
     *                                  and no audit event to share), a guarded transition with
     *                                  no SQL guard, or a column that is not a plain identifier
     */
    public <S extends Enum<S> & LifecycleState, E extends Enum<E>> BulkTransitionResult<S> applyBulk(
            LifecycleDefinition<S, E> definition, S from, E event, String actor, SqlFragment guard,
            Map<String, SqlFragment> set, Map<String, ?> auditDetails, BulkEffect effect, int batchSize) {
        Objects.requireNonNull(definition, "definition");
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(actor, "actor");
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
        }
        // The table is the authority, as for apply: a (from, event) it does not list is refused
        // before any row is read, with the same message an operator gets for one entity.
        Transition<S, E> transition = definition.transition(from, event)
                .orElseThrow(() -> rejected(definition, null, from, event));
        if (transition.quiet()) {
            throw new IllegalArgumentException(definition.entity() + ": (" + from.value() + ", "
                    + LifecycleDefinition.eventName(event) + ") is quiet; apply it per entity");
        }
        if (transition.guardOptional().isPresent() && guard == null) {
            throw new IllegalArgumentException(definition.entity() + ": (" + from.value() + ", "
                    + LifecycleDefinition.eventName(event) + ") is guarded by "
                    + transition.guardOptional().get().name() + "; pass its SQL form as the guard");
        }
        S to = transition.to();
        TableBinding t = definition.table();
        Map<String, SqlFragment> columns = set == null ? Map.of() : new LinkedHashMap<>(set);
        for (String column : columns.keySet()) {
            if (!BULK_COLUMN.matcher(column).matches()) {
                throw new IllegalArgumentException("not a plain lower_snake SQL identifier: '" + column + "'");
            }
            if (column.equals(t.stateColumn()) || column.equals(t.versionColumn())
                    || column.equals(t.updatedAtColumn()) || column.equals(t.idColumn())) {
                throw new IllegalArgumentException("column " + column + " is written by the engine");
            }
        }
        BulkEffect work = effect == null ? BulkEffect.NONE : effect;
        Map<String, ?> extraDetails = auditDetails == null ? Map.of() : new LinkedHashMap<>(auditDetails);

        // Hand-written: a set-based move of many rows in one statement, which Data cannot say.
        // The batch is picked in a MATERIALIZED CTE, evaluated exactly once. Written as
        // "WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)" PostgreSQL may plan the
        // subquery as a SubPlan it re-runs, and each re-run locks (and the update moves) another
        // n rows: a batch of 4 was seen moving 10.
        String predicate = t.stateColumn() + " = ?" + (guard == null ? "" : " AND (" + guard.sql() + ")");
        String target = "bulk_target";
        List<Object> params = new ArrayList<>();
        // The CTE's column is renamed so that a guard or value naming the id column stays unambiguous.
        StringBuilder sql = new StringBuilder("WITH bulk_batch AS MATERIALIZED (SELECT ").append(t.idColumn())
                .append(" AS bulk_id FROM ").append(t.table()).append(" WHERE ").append(predicate)
                .append(" LIMIT ? FOR UPDATE SKIP LOCKED) UPDATE ").append(t.table()).append(" AS ").append(target)
                .append(" SET ").append(t.stateColumn()).append(" = ?, ")
                .append(t.versionColumn()).append(" = ").append(target).append('.').append(t.versionColumn())
                .append(" + 1");
        params.add(from.value());
        if (guard != null) {
            params.addAll(guard.params());
        }
        params.add(batchSize);
        params.add(to.value());
        if (t.updatedAtColumn() != null) {
            sql.append(", ").append(t.updatedAtColumn()).append(" = now()");
        }
        columns.forEach((column, value) -> {
            sql.append(", ").append(column).append(" = ").append(value.sql());
            params.addAll(value.params());
        });
        // The batch's ids as one array: the update then probes the primary key for each, whatever
        // the planner believes about the batch's size. Joined as a table instead, a stale row
        // estimate (a freshly filled or churned table) made it re-scan the whole table once per
        // batch row: 10,000 rows took ~5 s instead of ~0.3 s.
        // The predicate again, on the row being updated: the last word on whether it still matches.
        sql.append(" WHERE ").append(target).append('.').append(t.idColumn())
                .append(" = ANY (ARRAY(SELECT bulk_id FROM bulk_batch)) AND ").append(predicate)
                .append(" RETURNING ").append(target).append('.').append(t.idColumn());
        params.add(from.value());
        if (guard != null) {
            params.addAll(guard.params());
        }
        String statement = sql.toString();

        List<Object> moved = new ArrayList<>();
        int batches = 0;
        while (true) {
            List<Object> ids = tx.inTransaction(c -> {
                List<Object> batch = new ArrayList<>();
                try (PreparedStatement ps = c.prepareStatement(statement)) {
                    for (int i = 0; i < params.size(); i++) {
                        ps.setObject(i + 1, params.get(i));
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            batch.add(rs.getObject(1));
                        }
                    }
                }
                if (batch.isEmpty()) {
                    return batch;
                }
                work.run(c, Collections.unmodifiableList(batch), from, to);
                List<String> idStrings = new ArrayList<>(batch.size());
                batch.forEach(id -> idStrings.add(String.valueOf(id)));
                // Sorted so the event reads the same whatever order PostgreSQL returned the rows in.
                Collections.sort(idStrings);
                AuditDetails details = AuditDetails.of()
                        .putAll(extraDetails)
                        .put("event", LifecycleDefinition.eventName(event))
                        .put("from", from.value())
                        .put("to", to.value())
                        .put("count", batch.size())
                        .put("ids", idStrings);
                audit.append(c, AuditEvent.of(definition.auditType(to), actor, t.table(), details));
                return batch;
            });
            // Stop on an empty batch, not a short one: a short batch can mean rows were skipped
            // because they were locked, and those may be free (and still match) a moment later.
            if (ids.isEmpty()) {
                break;
            }
            moved.addAll(ids);
            batches++;
            tx.afterCommit(() -> committed(t, Collections.unmodifiableList(ids)));
        }
        return new BulkTransitionResult<>(from, to, moved, batches);
    }

    @SuppressWarnings("unchecked")
    private <S extends Enum<S> & LifecycleState, E extends Enum<E>> StateMachineAdapter<S, E> adapter(
            LifecycleDefinition<S, E> definition) {
        return (StateMachineAdapter<S, E>) adapters.computeIfAbsent(definition, d -> new StateMachineAdapter<>(definition));
    }

    private static Row load(Connection c, LifecycleDefinition<?, ?> definition, Object id) throws SQLException {
        TableBinding t = definition.table();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT * FROM " + t.table() + " WHERE " + t.idColumn() + " = ?")) {
            ps.setObject(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new EntenteException(ErrorCode.NOT_FOUND, "no " + definition.entity() + " " + id,
                            Map.of("entity", definition.entity(), "id", String.valueOf(id)));
                }
                return Row.read(rs);
            }
        }
    }

    // Locks the row for the rest of the transaction, provided it still has the version loaded.
    private static void lockUnchanged(Connection c, LifecycleDefinition<?, ?> definition, Object id, long version,
                                      Enum<?> event) throws SQLException {
        TableBinding t = definition.table();
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + t.table() + " WHERE " + t.idColumn()
                + " = ? AND " + t.versionColumn() + " = ? FOR UPDATE")) {
            ps.setObject(1, id);
            ps.setLong(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw conflict(definition, id, event, version);
                }
            }
        }
    }

    private static EntenteException conflict(LifecycleDefinition<?, ?> definition, Object id, Enum<?> event,
                                             long version) {
        return new EntenteException(ErrorCode.CONFLICT, definition.entity() + " " + id
                + " changed while " + LifecycleDefinition.eventName(event)
                + " was applied; reload it and retry",
                Map.of("entity", definition.entity(), "id", String.valueOf(id),
                        "event", LifecycleDefinition.eventName(event), "version", version));
    }

    private static <S extends Enum<S> & LifecycleState, E extends Enum<E>> EntenteException rejected(
            LifecycleDefinition<S, E> definition, Object id, S from, E event) {
        String state = from.value();
        return definition.rejection(id, from, event, "cannot " + LifecycleDefinition.eventName(event) + " "
                + article(state) + " " + state + " " + definition.entity(), Map.of());
    }

    private static String article(String word) {
        return "aeiou".indexOf(word.charAt(0)) >= 0 ? "an" : "a";
    }
}
