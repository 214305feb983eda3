package dev.entente.lifecycle.engine;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A named, side-effect-free condition on a transition. It reads the entity row and the caller's
 * context and either passes ({@link Optional#empty()}) or returns the specific exception to throw,
 * so an operator sees {@code approval_self_forbidden} rather than a generic rejection.
 *
 * @param <S> the lifecycle's state type
 * @param <E> the lifecycle's event type
 */
public interface Guard<S, E> {

    /** A lower_snake name shown in diagrams and in the transition table ({@code approver_has_role}). */
    String name();

    /** Empty when the transition may happen, otherwise the exception the engine throws. */
    Optional<EntenteException> check(Input<S, E> input);

    /**
     * What a guard may look at.
     *
     * @param entity  the lifecycle's entity name ({@code peer}), as refusals name it
     * @param from    the entity's current state
     * @param event   the event being applied
     * @param id      the entity's id
     * @param row     the whole row as loaded, before the transition
     * @param context what the caller passed (who acts, with which roles, at what time)
     */
    record Input<S, E>(String entity, S from, E event, Object id, Row row, TransitionContext context) {

        /**
         * A refusal with {@code code} and {@code detail}, whose problem members are {@code members}
         * plus {@code entity} and {@code id} naming this entity.
         */
        public Optional<EntenteException> refuse(ErrorCode code, String detail, Map<String, ?> members) {
            // Problem extension members are free-form JSON by definition (RFC 9457).
            Map<String, Object> extensions = new LinkedHashMap<>(members);
            extensions.put("entity", entity);
            extensions.put("id", String.valueOf(id));
            return Optional.of(new EntenteException(code, detail, extensions));
        }
    }

    /** A guard from a name and a check. */
    static <S, E> Guard<S, E> of(String name, Function<Input<S, E>, Optional<EntenteException>> check) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(check, "check");
        return new Guard<>() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Optional<EntenteException> check(Input<S, E> input) {
                return check.apply(input);
            }

            @Override
            public String toString() {
                return "Guard[" + name + "]";
            }
        };
    }

    /**
     * All of {@code guards}, checked in order; the first failure wins, so list the check an
     * operator can act on first (who you are before when you are).
     */
    @SafeVarargs
    static <S, E> Guard<S, E> allOf(Guard<S, E>... guards) {
        List<Guard<S, E>> all = new ArrayList<>(guards.length);
        for (Guard<S, E> g : guards) {
            all.add(Objects.requireNonNull(g, "guard"));
        }
        if (all.isEmpty()) {
            throw new IllegalArgumentException("allOf needs at least one guard");
        }
        List<String> names = new ArrayList<>();
        all.forEach(g -> names.add(g.name()));
        return of(String.join(", ", names), input -> {
            for (Guard<S, E> g : all) {
                Optional<EntenteException> failure = g.check(input);
                if (failure.isPresent()) {
                    return failure;
                }
            }
            return Optional.empty();
        });
    }
}
