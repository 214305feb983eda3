package dev.entente.lifecycle.db;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Savepoint;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs work in one JDBC transaction: commit on success, roll back on any exception.
 * Domain modules use plain JDBC through this so that a lifecycle transition, its effects and
 * its audit event commit or vanish together.
 *
 * <p>{@link #inOneTransaction} widens that to a whole operation made of several such units (an
 * approved action and the approval's {@code approved → executed} transition): while it runs,
 * every {@link #inTransaction} and {@link #read} of this data source on the same thread joins its
 * transaction as a savepoint instead of taking a connection of its own, so the operation commits
 * or vanishes as one, and work after a commit ({@link #afterCommit}) waits for the real one.
 */
public final class Tx {
    // The open operation of this thread (at most one per data source: a spec runs several hubs in one JVM).
    private static final ThreadLocal<List<Joined>> JOINED = ThreadLocal.withInitial(ArrayList::new);

    private record Joined(DataSource dataSource, Connection connection, List<Runnable> afterCommit) {
    }

    private final DataSource dataSource;

    public Tx(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Work that needs a connection inside a transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    public <T> T inTransaction(Work<T> work) {
        return inTransaction(Connection.TRANSACTION_READ_COMMITTED, work);
    }

    public <T> T inTransaction(int isolation, Work<T> work) {
        Joined joined = joined();
        if (joined != null) {
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                // The level of a transaction is fixed by its first statement: the joined one's stays.
                throw new IllegalStateException("isolation " + isolation + " cannot be had inside inOneTransaction");
            }
            return savepoint(joined.connection(), work);
        }
        Connection c = connect();
        try (c) {
            c.setAutoCommit(false);
            // pgjdbc sends a SET on every call, even a redundant one: a round trip saved per
            // transaction. The pool resets a changed level when the connection comes back.
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                c.setTransactionIsolation(isolation);
            }
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (RuntimeException | SQLException | Error e) {
                rollbackQuietly(c, e);
                throw e;
            }
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Work on a pooled connection in auto-commit: for reads, and for a single statement that is a
     * whole change by itself (one round trip, no BEGIN/COMMIT).
     */
    public <T> T read(Work<T> work) {
        Joined joined = joined();
        if (joined != null) {
            // Inside an operation a read must see what the operation wrote so far.
            return savepoint(joined.connection(), work);
        }
        Connection c = connect();
        try (c) {
            return work.run(c);
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    /**
     * Runs {@code work} and everything it does through this {@code Tx} on this thread (every
     * {@link #inTransaction} and {@link #read}, each as a savepoint of the one transaction) in
     * one transaction: all of it commits, or none of it. Nested calls join the outer one. Code
     * inside must not wait for another thread's transaction on this database to see its writes
     * (they are not committed yet), nor call out over the network while holding its locks.
     */
    public <T> T inOneTransaction(Work<T> work) {
        Joined outer = joined();
        if (outer != null) {
            return savepoint(outer.connection(), work);
        }
        List<Runnable> afterCommit = new ArrayList<>();
        T result = inTransaction(c -> {
            Joined joined = new Joined(dataSource, c, afterCommit);
            JOINED.get().add(joined);
            try {
                return work.run(c);
            } finally {
                JOINED.get().remove(joined);
            }
        });
        afterCommit.forEach(Tx::runQuietly);
        return result;
    }

    /**
     * Runs {@code hook} once what was written so far is committed: at once outside
     * {@link #inOneTransaction}, after its commit inside one (and never if it rolls back). For
     * in-memory copies of rows (caches, the TLS state) that must not take up uncommitted data.
     */
    public void afterCommit(Runnable hook) {
        Joined joined = joined();
        if (joined == null) {
            hook.run();
        } else {
            joined.afterCommit().add(hook);
        }
    }

    /**
     * Runs {@code work} as if outside this thread's {@link #inOneTransaction}: what it does
     * through this {@code Tx} takes connections and commits of its own. For a call to another
     * system in the middle of an operation (another hub over HTTPS), whose local writes must not
     * vanish with the operation once the other side has acted on them. The operation's locks stay
     * held meanwhile: call this before the operation takes any that {@code work} needs (the
     * audit chain's head, taken by the first audit event), or {@code work} waits for itself.
     */
    public <T> T outside(java.util.function.Supplier<T> work) {
        Joined joined = joined();
        if (joined == null) {
            return work.get();
        }
        JOINED.get().remove(joined);
        try {
            return work.get();
        } finally {
            JOINED.get().add(joined);
        }
    }

    /** Whether this thread is inside {@link #inOneTransaction} of this data source. */
    public boolean inOneTransaction() {
        return joined() != null;
    }

    private Joined joined() {
        for (Joined j : JOINED.get()) {
            if (j.dataSource() == dataSource) {
                return j;
            }
        }
        return null;
    }

    private static void runQuietly(Runnable hook) {
        try {
            hook.run();
        } catch (RuntimeException e) {
            // The transaction committed: a hook's failure must not report it as failed.
            System.getLogger(Tx.class.getName()).log(System.Logger.Level.WARNING, "after-commit hook failed", e);
        }
    }

    // A unit inside a joined transaction: its failure rolls back its own writes only, and leaves
    // the transaction usable (PostgreSQL aborts the whole transaction on an error otherwise).
    private static <T> T savepoint(Connection c, Work<T> work) {
        try {
            Savepoint sp = c.setSavepoint();
            T result;
            try {
                result = work.run(c);
            } catch (RuntimeException | SQLException | Error e) {
                try {
                    c.rollback(sp);
                } catch (SQLException x) {
                    e.addSuppressed(x);
                }
                throw e;
            }
            c.releaseSavepoint(sp);
            return result;
        } catch (SQLException e) {
            throw translate(e);
        }
    }

    private Connection connect() {
        try {
            return dataSource.getConnection();
        } catch (SQLException e) {
            throw new EntenteException(ErrorCode.DATABASE_UNREACHABLE,
                    "cannot get a database connection: " + e.getMessage(), e);
        }
    }

    private static void rollbackQuietly(Connection c, Throwable cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }

    /** Connection-class failures (SQLSTATE 08xxx) mean the database is gone, not a bug. */
    public static RuntimeException translate(SQLException e) {
        String state = e.getSQLState();
        if (e instanceof SQLTransientConnectionException || (state != null && state.startsWith("08"))) {
            return new EntenteException(ErrorCode.DATABASE_UNREACHABLE, "database connection failed: " + e.getMessage(), e);
        }
        return new IllegalStateException("database error " + state + ": " + e.getMessage(), e);
    }
}
