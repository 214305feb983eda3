package dev.entente.lifecycle.db;

import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.core.propagation.PropagatedContextElement;
import io.micronaut.data.connection.exceptions.ConnectionException;
import io.micronaut.data.connection.jdbc.exceptions.CannotGetJdbcConnectionException;
import io.micronaut.data.exceptions.DataAccessException;
import io.micronaut.transaction.TransactionDefinition;
import io.micronaut.transaction.TransactionOperations;
import io.micronaut.transaction.TransactionStatus;
import io.micronaut.transaction.exceptions.TransactionException;
import io.micronaut.transaction.jdbc.DataSourceTransactionManager;
import io.micronaut.transaction.support.DefaultTransactionDefinition;
import io.micronaut.transaction.support.TransactionSynchronization;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.function.Supplier;

/**
 * Runs work in one JDBC transaction: commit on success, roll back on any exception.
 * Domain modules use plain JDBC and Micronaut Data repositories through this, so that a
 * lifecycle transition, its effects and its audit event commit or vanish together.
 *
 * <p>The transactions are Micronaut Data's ({@link TransactionOperations} of the data source):
 * a generated repository called inside a unit of this {@code Tx} runs on the unit's connection
 * and in its transaction, exactly like the hand-written statements next to it.
 *
 * <p>{@link #inOneTransaction} widens that to a whole operation made of several such units (an
 * approved action and the approval's {@code approved → executed} transition): while it runs,
 * every {@link #inTransaction} and {@link #read} of this {@code Tx} on the same thread joins its
 * transaction as a savepoint instead of taking a connection of its own, so the operation commits
 * or vanishes as one, and work after a commit ({@link #afterCommit}) waits for the real one.
 */
public final class Tx {
    private static final TransactionDefinition OWN = TransactionDefinition.of(TransactionDefinition.Propagation.REQUIRES_NEW);
    private static final TransactionDefinition JOINED = TransactionDefinition.of(TransactionDefinition.Propagation.NESTED);
    // Outside an operation a read takes a connection of its own in auto-commit, as it always did:
    // it must not run inside (nor see) the transaction of an enclosing unit.
    private static final TransactionDefinition NO_TRANSACTION = TransactionDefinition.of(TransactionDefinition.Propagation.NOT_SUPPORTED);

    /** The open operation of this thread, found by its transaction manager (a spec runs several hubs in one JVM). */
    private record Operation(TransactionOperations<Connection> transactions, TransactionStatus<Connection> status,
                             PropagatedContext before) implements PropagatedContextElement {
    }

    private final DataSource dataSource;
    private final TransactionOperations<Connection> transactions;

    /**
     * Transactions of the bean context that owns {@code dataSource}: the ones its generated
     * repositories join.
     */
    public Tx(DataSource dataSource, TransactionOperations<Connection> transactions) {
        this.dataSource = dataSource;
        this.transactions = transactions;
    }

    /**
     * Transactions of a transaction manager of its own over {@code dataSource}: for code that
     * runs without a bean context and so without generated repositories (restore, benchmarks,
     * specs of hand-written SQL).
     */
    public Tx(DataSource dataSource) {
        this(dataSource, new DataSourceTransactionManager(dataSource, new PooledConnections(dataSource), null));
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
        if (operation() != null) {
            if (isolation != Connection.TRANSACTION_READ_COMMITTED) {
                // The level of a transaction is fixed by its first statement: the joined one's stays.
                throw new IllegalStateException("isolation " + isolation + " cannot be had inside inOneTransaction");
            }
            return execute(JOINED, work);
        }
        // pgjdbc sends a SET on every call, even a redundant one: the default level is left
        // alone, a round trip saved per transaction.
        return execute(isolation == Connection.TRANSACTION_READ_COMMITTED ? OWN : own(isolation), work);
    }

    private static TransactionDefinition own(int isolation) {
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition(TransactionDefinition.Propagation.REQUIRES_NEW);
        definition.setIsolationLevel(TransactionDefinition.Isolation.valueOf(isolation));
        return definition;
    }

    /**
     * Work on a pooled connection in auto-commit: for reads, and for a single statement that is a
     * whole change by itself (one round trip, no BEGIN/COMMIT).
     */
    public <T> T read(Work<T> work) {
        // Inside an operation a read must see what the operation wrote so far.
        return execute(operation() != null ? JOINED : NO_TRANSACTION, work);
    }

    /**
     * Runs {@code work} and everything it does through this {@code Tx} on this thread (every
     * {@link #inTransaction} and {@link #read}, each as a savepoint of the one transaction) in
     * one transaction: all of it commits, or none of it. Nested calls join the outer one. Code
     * inside must not wait for another thread's transaction on this database to see its writes
     * (they are not committed yet), nor call out over the network while holding its locks.
     */
    public <T> T inOneTransaction(Work<T> work) {
        if (operation() != null) {
            return execute(JOINED, work);
        }
        PropagatedContext before = PropagatedContext.getOrEmpty();
        return call(OWN, status -> {
            Operation operation = new Operation(transactions, status, before);
            try (PropagatedContext.Scope ignored = PropagatedContext.getOrEmpty().plus(operation).propagate()) {
                return work.run(status.getConnection());
            }
        });
    }

    /**
     * Runs {@code hook} once what was written so far is committed: at once outside
     * {@link #inOneTransaction}, after its commit inside one (and never if it rolls back). For
     * in-memory copies of rows (caches, the TLS state) that must not take up uncommitted data.
     */
    public void afterCommit(Runnable hook) {
        Operation operation = operation();
        if (operation == null) {
            hook.run();
            return;
        }
        operation.status().registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                try {
                    hook.run();
                } catch (RuntimeException e) {
                    // The transaction committed: a hook's failure must not report it as failed.
                    System.getLogger(Tx.class.getName()).log(System.Logger.Level.WARNING, "after-commit hook failed", e);
                }
            }
        });
    }

    /**
     * Runs {@code work} as if outside this thread's {@link #inOneTransaction}: what it does
     * through this {@code Tx} takes connections and commits of its own. For a call to another
     * system in the middle of an operation (another hub over HTTPS), whose local writes must not
     * vanish with the operation once the other side has acted on them. The operation's locks stay
     * held meanwhile: call this before the operation takes any that {@code work} needs (the
     * audit chain's head, taken by the first audit event), or {@code work} waits for itself.
     */
    public <T> T outside(Supplier<T> work) {
        Operation operation = operation();
        if (operation == null) {
            return work.get();
        }
        // The context from before the operation began: no operation, and none of its connection.
        try (PropagatedContext.Scope ignored = operation.before().propagate()) {
            return work.get();
        }
    }

    /** Whether this thread is inside {@link #inOneTransaction} of this {@code Tx}'s transactions. */
    public boolean inOneTransaction() {
        return operation() != null;
    }

    private Operation operation() {
        return PropagatedContext.getOrEmpty().findAll(Operation.class)
                .filter(o -> o.transactions() == transactions)
                .findFirst().orElse(null);
    }

    private <T> T execute(TransactionDefinition definition, Work<T> work) {
        return call(definition, status -> work.run(status.getConnection()));
    }

    @FunctionalInterface
    private interface StatusWork<T> {
        T run(TransactionStatus<Connection> status) throws SQLException;
    }

    private <T> T call(TransactionDefinition definition, StatusWork<T> work) {
        try {
            return transactions.execute(definition, work::run);
        } catch (RuntimeException e) {
            throw translate(e);
        } catch (Exception e) {
            // The work's own SQLException, rethrown as is by the transaction manager after the rollback.
            throw e instanceof SQLException sql ? translate(sql) : new IllegalStateException(e);
        }
    }

    // Micronaut Data wraps the driver's SQLException (failing to connect, commit, set a savepoint,
    // run a repository's statement): that one says whether the database is gone.
    private static RuntimeException translate(RuntimeException e) {
        if (!(e.getCause() instanceof SQLException sql)) {
            return e;
        }
        if (e instanceof CannotGetJdbcConnectionException) {
            return new EntenteException(ErrorCode.DATABASE_UNREACHABLE, "cannot get a database connection: " + sql.getMessage(), sql);
        }
        if (e instanceof DataAccessException || e instanceof ConnectionException || e instanceof TransactionException) {
            return translate(sql);
        }
        return e;
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
