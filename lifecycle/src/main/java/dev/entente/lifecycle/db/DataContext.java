package dev.entente.lifecycle.db;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.micronaut.core.type.Argument;
import io.micronaut.inject.qualifiers.Qualifiers;
import io.micronaut.transaction.TransactionOperations;

import javax.sql.DataSource;
import java.sql.Connection;
import java.util.Map;

/**
 * A bean context over one data source: Micronaut Data's generated repositories and the
 * transactions they join, the same pair a hub's context holds. For code that runs without a hub
 * (restore, benchmarks, specs); the hub itself calls {@link #register} on its own context.
 */
public final class DataContext implements AutoCloseable {
    // Micronaut Data's repositories use the data source of this name unless told otherwise.
    private static final String DEFAULT = "default";

    private final ApplicationContext context;
    private final Tx tx;

    private DataContext(ApplicationContext context, Tx tx) {
        this.context = context;
        this.tx = tx;
    }

    /** Starts a context whose repositories run on {@code dataSource}; closing it leaves the pool open. */
    public static DataContext over(DataSource dataSource) {
        ApplicationContext context = ApplicationContext.builder().deduceEnvironment(false).banner(false).start();
        try {
            return new DataContext(context, register(context, dataSource));
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /**
     * Makes {@code dataSource} the one the repositories of {@code context} use, before any of them
     * is created, and returns the {@link Tx} whose units they join.
     */
    public static Tx register(ApplicationContext context, DataSource dataSource) {
        // Data's JDBC configuration of a data source exists only where its properties do.
        context.getEnvironment().addPropertySource(PropertySource.of("entente-data",
                Map.of("datasources." + DEFAULT + ".dialect", "POSTGRES")));
        context.registerSingleton(DataSource.class, dataSource, Qualifiers.byName(DEFAULT));
        TransactionOperations<Connection> transactions = context.getBean(
                Argument.of(TransactionOperations.class, Connection.class), Qualifiers.byName(DEFAULT));
        return new Tx(dataSource, transactions);
    }

    public Tx tx() {
        return tx;
    }

    /** A generated repository (or any other bean) of this context. */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
