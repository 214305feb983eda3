package dev.entente.lifecycle.engine;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Work that goes with a transition (write the approver, issue a certificate, revoke grants).
 * The engine runs it only after the optimistic save succeeded, on the same connection and in the
 * same transaction, so a failing effect also undoes the state change and its audit event, and a
 * losing concurrent request never runs its effect.
 */
@FunctionalInterface
public interface Effect {

    /** Does nothing: the state change is all there is. */
    Effect NONE = (c, row, from, to, context) -> {
    };

    /**
     * @param c       the transaction's connection (do not commit, roll back or close it)
     * @param row     the row as it was loaded, before the transition
     * @param from    the state before
     * @param to      the state after (already saved)
     * @param context what the caller passed to the engine
     */
    void run(Connection c, Row row, LifecycleState from, LifecycleState to, TransitionContext context)
            throws SQLException;
}
