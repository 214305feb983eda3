package dev.entente.lifecycle.engine;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Everything the engine needs to know about one lifecycle, as data: the entity's name, its state
 * and event enums, the transition table, the initial state, where rows live and how audit events
 * are typed. Domain modules declare one of these per lifecycle; only
 * {@link StateMachineAdapter} turns it into a state machine.
 *
 * <p>Instances compare by identity: the engine keeps one machine pool per definition, so declare
 * each definition once (a constant) and reuse it.
 *
 * @param <S> state enum
 * @param <E> event enum
 */
public final class LifecycleDefinition<S extends Enum<S> & LifecycleState, E extends Enum<E>> {
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

    private final String entity;
    private final Class<S> stateType;
    private final Class<E> eventType;
    private final List<Transition<S, E>> transitions;
    private final S initial;
    private final TableBinding table;
    private final String auditPrefix;

    /**
     * @param entity      what the lifecycle is of, as operators say it ({@code approval}); used in messages
     * @param stateType   the state enum
     * @param eventType   the event enum
     * @param transitions the table; at most one row per (from, event)
     * @param initial     the state new entities start in
     * @param table       where rows live
     * @param auditPrefix audit types are {@code <auditPrefix>.<to state>}, e.g. {@code approval.approved}
     */
    public LifecycleDefinition(String entity, Class<S> stateType, Class<E> eventType,
                               List<Transition<S, E>> transitions, S initial, TableBinding table,
                               String auditPrefix) {
        this.entity = requireName(entity, "entity");
        this.stateType = Objects.requireNonNull(stateType, "stateType");
        this.eventType = Objects.requireNonNull(eventType, "eventType");
        this.transitions = List.copyOf(transitions);
        this.initial = Objects.requireNonNull(initial, "initial");
        this.table = Objects.requireNonNull(table, "table");
        this.auditPrefix = requireName(auditPrefix, "auditPrefix");
        validate();
    }

    private void validate() {
        // Spring Statemachine would silently pick one of two rows with the same (from, event):
        // a table that reads ambiguously is refused up front instead.
        Set<String> seen = new HashSet<>();
        for (Transition<S, E> t : transitions) {
            if (!seen.add(t.from() + "/" + t.event())) {
                throw new IllegalArgumentException(entity + ": more than one transition for (" + t.from().value()
                        + ", " + eventName(t.event()) + ")");
            }
        }
        for (S s : stateType.getEnumConstants()) {
            if (!NAME.matcher(s.value()).matches()) {
                throw new IllegalArgumentException(entity + ": state value '" + s.value() + "' is not lower_snake");
            }
        }
    }

    private static String requireName(String value, String what) {
        Objects.requireNonNull(value, what);
        if (!NAME.matcher(value).matches()) {
            throw new IllegalArgumentException(what + " must be lower_snake: '" + value + "'");
        }
        return value;
    }

    public String entity() {
        return entity;
    }

    public Class<S> stateType() {
        return stateType;
    }

    public Class<E> eventType() {
        return eventType;
    }

    /** The transition table in declaration order. */
    public List<Transition<S, E>> transitions() {
        return transitions;
    }

    public S initial() {
        return initial;
    }

    public TableBinding table() {
        return table;
    }

    public String auditPrefix() {
        return auditPrefix;
    }

    /**
     * The audit type of a move into {@code state}, {@code <auditPrefix>.<state>}: the one place it is
     * built. Every such type of the product's lifecycles is registered in {@code AuditEventType}
     * (a spec enumerates the transitions and checks).
     */
    public String auditType(S state) {
        return auditPrefix + "." + state.value();
    }

    /** All states in enum order. */
    public List<S> states() {
        return List.of(stateType.getEnumConstants());
    }

    /** All events in enum order. */
    public List<E> events() {
        return List.of(eventType.getEnumConstants());
    }

    /** The state stored as {@code value}. */
    public S state(String value) {
        return LifecycleState.fromValue(stateType, value);
    }

    /** The transition for (from, event), if the table has one. */
    public Optional<Transition<S, E>> transition(S from, E event) {
        for (Transition<S, E> t : transitions) {
            if (t.from() == from && t.event() == event) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** Events accepted from {@code state} (guards aside), in enum order. */
    public List<E> allowedEvents(S state) {
        EnumSet<E> allowed = EnumSet.noneOf(eventType);
        for (Transition<S, E> t : transitions) {
            if (t.from() == state) {
                allowed.add(t.event());
            }
        }
        return new ArrayList<>(allowed);
    }

    /**
     * The {@code transition_rejected} refusal of {@code event} in {@code state}: {@code detail},
     * then what <em>is</em> allowed ({@code ; allowed from enrolled: suspend, revoke}). Its problem
     * members are {@code entity}, {@code id} (left out when null: a bulk transition is refused
     * for a state, not a row), {@code state}, {@code event}, {@code allowed_events} and {@code more}.
     */
    public EntenteException rejection(Object id, S state, E event, String detail, Map<String, ?> more) {
        List<String> allowed = allowedEvents(state).stream().map(LifecycleDefinition::eventName).toList();
        // Problem extension members are free-form JSON by definition (RFC 9457).
        Map<String, Object> members = new LinkedHashMap<>(more);
        members.put("entity", entity);
        if (id != null) {
            members.put("id", String.valueOf(id));
        }
        members.put("state", state.value());
        members.put("event", eventName(event));
        members.put("allowed_events", allowed);
        return new EntenteException(ErrorCode.TRANSITION_REJECTED, detail + "; allowed from " + state.value() + ": "
                + (allowed.isEmpty() ? "none" : String.join(", ", allowed)), members);
    }

    /** States {@code event} can lead to, from anywhere. */
    public Set<S> targetsOf(E event) {
        EnumSet<S> targets = EnumSet.noneOf(stateType);
        for (Transition<S, E> t : transitions) {
            if (t.event() == event) {
                targets.add(t.to());
            }
        }
        return targets;
    }

    /** States with no way out. */
    public boolean isTerminal(S state) {
        return allowedEvents(state).isEmpty();
    }

    /** An event as messages and audit details spell it: lower case ({@code approve}). */
    public static String eventName(Enum<?> event) {
        return event.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return "LifecycleDefinition[" + entity + "]";
    }
}
