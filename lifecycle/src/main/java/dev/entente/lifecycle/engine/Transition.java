package dev.entente.lifecycle.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * One row of a lifecycle's transition table: in state {@code from}, event {@code event} moves the
 * entity to {@code to}, if the guard (when there is one) passes. An internal transition keeps the
 * state (for example a heartbeat that only refreshes a timestamp) but still saves and audits.
 *
 * @param from     source state
 * @param event    event that triggers it
 * @param to       target state ({@code from} for an internal transition)
 * @param internal whether the state stays as it is
 * @param guard    the named condition, or {@code null} for none (see {@link #guardOptional()})
 */
public record Transition<S, E>(S from, E event, S to, boolean internal, Guard<S, E> guard) {

    public Transition {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(to, "to");
        if (internal && !from.equals(to)) {
            throw new IllegalArgumentException("internal transition " + from + " --" + event + "--> " + to
                    + " must keep the state");
        }
    }

    /** An unguarded external transition. */
    public static <S, E> Transition<S, E> of(S from, E event, S to) {
        return new Transition<>(from, event, to, false, null);
    }

    /** A guarded external transition. */
    public static <S, E> Transition<S, E> guarded(S from, E event, S to, Guard<S, E> guard) {
        return new Transition<>(from, event, to, false, Objects.requireNonNull(guard, "guard"));
    }

    /** An unguarded internal transition: the state stays, the row is still saved and audited. */
    public static <S, E> Transition<S, E> internal(S state, E event) {
        return new Transition<>(state, event, state, true, null);
    }

    /** A guarded internal transition. */
    public static <S, E> Transition<S, E> internal(S state, E event, Guard<S, E> guard) {
        return new Transition<>(state, event, state, true, Objects.requireNonNull(guard, "guard"));
    }

    public Optional<Guard<S, E>> guardOptional() {
        return Optional.ofNullable(guard);
    }
}
