package dev.entente.lifecycle.db;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Runs work in one JDBC transaction: commit on success, roll back on any exception.
 * Domain modules use plain JDBC through this so that a lifecycle transition, its effects and
 * its audit event commit or vanish together.
 */
public final class Tx {
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
        Connection c = connect();
        try (c) {
            return work.run(c);
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
