package dev.entente.lifecycle.engine;

import java.util.Objects;

/**
 * A named, typed entry of a {@link TransitionContext}: {@code context.get(PeerTransitions.NOW)}
 * is an {@link java.time.Instant}, checked by the compiler where the context is built rather than
 * cast where a guard reads it. Keys compare by identity, so declare each one once, as a constant
 * of the lifecycle's {@code *Transitions} class.
 *
 * @param <T> the type of the value
 */
public final class ContextKey<T> {
    private final String name;

    private ContextKey(String name) {
        this.name = Objects.requireNonNull(name, "name");
    }

    /** A key named {@code name} (lower_snake, as it appears in messages). */
    public static <T> ContextKey<T> named(String name) {
        return new ContextKey<>(name);
    }

    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
