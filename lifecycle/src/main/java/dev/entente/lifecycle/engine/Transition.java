package dev.entente.lifecycle.engine;

import java.util.Objects;
import java.util.Optional;

/**
 * One row of a lifecycle's transition table: in state {@code from}, event {@code event} moves the
 * entity to {@code to}, if the guard (when there is one) passes. An internal transition keeps the
 * state (for example a heartbeat that only refreshes a timestamp) but still saves and audits.
 *
 * <p>A <em>quiet</em> internal transition ({@code Transition.internal(ACTIVE, HEARTBEAT).quietly()})
 * runs its effect without bumping the version and without an audit event. It exists for
 * high-frequency bookkeeping that is not a state change: a peer heartbeating every 30 s would
 * otherwise write ~2,880 audit events a day and serialise every heartbeat on the audit chain's
 * lock. It is only sound when nothing relies on the version bump to notice the effect: any
 * concurrent job that acts on the columns the effect writes must re-check them under the row
 * lock (as {@link LifecycleEngine#applyBulk} does with its SQL guard). See
 * {@link LifecycleEngine#apply} for how the engine runs one.
 *
 * @param from     source state
 * @param event    event that triggers it
 * @param to       target state ({@code from} for an internal transition)
 * @param internal whether the state stays as it is
 * @param quiet    whether an internal transition skips the version bump and the audit event
 * @param guard    the named condition, or {@code null} for none (see {@link #guardOptional()})
 */
public record Transition<S, E>(S from, E event, S to, boolean internal, boolean quiet, Guard<S, E> guard) {

    public Transition {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(to, "to");
        if (internal && !from.equals(to)) {
            throw new IllegalArgumentException("internal transition " + from + " --" + event + "--> " + to
                    + " must keep the state");
        }
        if (quiet && !internal) {
            // A state change without its audit event would break "every state change is audited".
            throw new IllegalArgumentException("transition " + from + " --" + event + "--> " + to
                    + " changes the state, so it cannot be quiet");
        }
    }

    /** A transition that is not quiet (the shape of the table before quiet transitions existed). */
    public Transition(S from, E event, S to, boolean internal, Guard<S, E> guard) {
        this(from, event, to, internal, false, guard);
    }

    /**
     * This internal transition, made quiet: the engine runs its effect under the row lock but
     * neither bumps the version nor appends an audit event.
     *
     * @throws IllegalArgumentException when this transition changes the state
     */
    public Transition<S, E> quietly() {
        return new Transition<>(from, event, to, internal, true, guard);
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
