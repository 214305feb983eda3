package dev.entente.heartbeat.schedule;

import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Hands Quartz connections from the application's own pool, so jobs and the job store share
 * one set of PostgreSQL connections and one configuration.
 *
 * <p>Quartz finds providers by name in the JVM-wide {@link DBConnectionManager}, a plain
 * {@code HashMap} that cannot be unregistered from. So each pool is registered once, under one
 * name, and every scheduler on that pool shares it; {@link #shutdown()} (which Quartz calls
 * when any of those schedulers shuts down) leaves the pool alone, since its owner closes it.
 */
final class PoolConnectionProvider implements ConnectionProvider {
    private static final Map<DataSource, String> NAMES = new IdentityHashMap<>();

    private final DataSource dataSource;

    private PoolConnectionProvider(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The Quartz data source name for {@code dataSource}, registering it on first use. */
    static synchronized String register(DataSource dataSource) {
        return NAMES.computeIfAbsent(dataSource, ds -> {
            String name = "entente-pool-" + (NAMES.size() + 1);
            DBConnectionManager.getInstance().addConnectionProvider(name, new PoolConnectionProvider(ds));
            return name;
        });
    }

    @Override
    public Connection getConnection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void shutdown() {
        // the application owns the pool and closes it after the scheduler
    }

    @Override
    public void initialize() {
        // nothing: the pool is ready when handed over
    }
}
