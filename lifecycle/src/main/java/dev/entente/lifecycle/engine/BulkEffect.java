package dev.entente.lifecycle.engine;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Work that goes with one batch of a bulk transition (for example revoking the grants of every
 * peer in the batch). The engine runs it after the batch's {@code UPDATE}, on the same connection
 * and in the same transaction, with the ids the update actually changed: a failure rolls back the
 * batch's state changes and its audit event, and rows a concurrent writer took are never passed.
 */
@FunctionalInterface
public interface BulkEffect {

    /** Does nothing: the columns set by the update are all there is. */
    BulkEffect NONE = (c, ids, from, to) -> {
    };

    /**
     * @param c    the batch transaction's connection (do not commit, roll back or close it)
     * @param ids  the ids of the rows this batch moved (never empty)
     * @param from the state they were in
     * @param to   the state they are in now (already saved)
     */
    void run(Connection c, List<Object> ids, LifecycleState from, LifecycleState to) throws SQLException;
}
