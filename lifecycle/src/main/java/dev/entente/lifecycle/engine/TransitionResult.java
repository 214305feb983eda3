package dev.entente.lifecycle.engine;

/**
 * What applying an event did.
 *
 * @param from    the state the entity was in
 * @param to      the state it is in now
 * @param version the row's version now
 * @param changed {@code false} when the request had already happened (an idempotent no-op: nothing
 *                was written or audited)
 */
public record TransitionResult<S>(S from, S to, long version, boolean changed) {
}
