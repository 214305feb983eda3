package dev.entente.lifecycle.engine;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What the caller of a transition tells its guards and effect (who acts, with which roles, at what
 * time), under {@link ContextKey typed keys}. Immutable: {@link #with} returns a new context. It is
 * not stored; what should outlive the transition goes into the audit details.
 */
public final class TransitionContext {
    /** No context: for transitions whose guards and effect need nothing from the caller. */
    public static final TransitionContext EMPTY = new TransitionContext(new IdentityHashMap<>());

    private final Map<ContextKey<?>, Object> values;

    private TransitionContext(Map<ContextKey<?>, Object> values) {
        this.values = values;
    }

    /** A context holding {@code value} under {@code key} (nothing when {@code value} is null). */
    public static <T> TransitionContext of(ContextKey<T> key, T value) {
        return EMPTY.with(key, value);
    }

    /**
     * This context with {@code value} under {@code key}, replacing what was there. A null value
     * leaves the key absent, so a caller passes what it has without branching on each argument.
     */
    public <T> TransitionContext with(ContextKey<T> key, T value) {
        Objects.requireNonNull(key, "key");
        Map<ContextKey<?>, Object> copy = new IdentityHashMap<>(values);
        if (value == null) {
            copy.remove(key);
        } else {
            copy.put(key, value);
        }
        return new TransitionContext(copy);
    }

    /** The value under {@code key}, or {@code null} when the caller passed none. */
    @SuppressWarnings("unchecked") // only with(key, value) puts, and it takes a T for a ContextKey<T>
    public <T> T get(ContextKey<T> key) {
        return (T) values.get(key);
    }

    /**
     * The value under {@code key}, which the guard cannot do without.
     *
     * @throws IllegalArgumentException when the caller passed none: a bug in the lifecycle
     *                                  operation, not an operator's mistake
     */
    public <T> T require(ContextKey<T> key) {
        T value = get(key);
        if (value == null) {
            throw new IllegalArgumentException("context '" + key.name() + "' is required");
        }
        return value;
    }

    @Override
    public String toString() {
        return "TransitionContext" + values;
    }
}
