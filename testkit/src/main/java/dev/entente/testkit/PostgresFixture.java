package dev.entente.testkit;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one PostgreSQL fixture every module's specs use: a real server, started once per JVM.
 *
 * <p>Testcontainers runs it where a Docker daemon answers; otherwise (CI here has none) the
 * zonky embedded binaries run it. Each spec gets its own freshly migrated database, so specs
 * never see each other's rows and need no cleanup.
 */
public final class PostgresFixture {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresFixture.class);
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static volatile Server server;

    private PostgresFixture() {
    }

    /** A new, empty database with every Flyway migration applied. */
    public static TestDatabase migratedDatabase() {
        TestDatabase db = emptyDatabase();
        Flyway.configure().dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("classpath:db/migration").load().migrate();
        return db;
    }

    /** A new database with no tables: for specs that run the migrations themselves. */
    public static TestDatabase emptyDatabase() {
        Server s = server();
        String name = "entente_t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(s.adminUrl(), s.user(), s.password());
             Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return new TestDatabase(s.urlFor(name), s.user(), s.password());
    }

    /** Which kind of server backs the fixture: {@code testcontainers} or {@code embedded}. */
    public static String kind() {
        return server().kind();
    }

    private static Server server() {
        Server s = server;
        if (s == null) {
            synchronized (PostgresFixture.class) {
                s = server;
                if (s == null) {
                    s = start();
                    server = s;
                }
            }
        }
        return s;
    }

    private static Server start() {
        if (dockerAvailable()) {
            PostgreSQLContainer<?> pg = new PostgreSQLContainer<>("postgres:17-alpine");
            pg.start();
            Runtime.getRuntime().addShutdownHook(new Thread(pg::stop));
            LOG.info("test PostgreSQL: Testcontainers {}", pg.getJdbcUrl());
            String base = pg.getJdbcUrl().substring(0, pg.getJdbcUrl().lastIndexOf('/') + 1);
            return new Server("testcontainers", base, pg.getDatabaseName(), pg.getUsername(), pg.getPassword());
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("unix_socket_directories", "")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; pg_ctl reports its own failure
                }
            }));
            String base = "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/";
            LOG.info("test PostgreSQL: embedded on port {}", pg.getPort());
            return new Server("embedded", base, "postgres", "postgres", "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
        }
    }

    private static boolean dockerAvailable() {
        if (Boolean.getBoolean("entente.test.embedded")) {
            return false;
        }
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private record Server(String kind, String baseUrl, String adminDb, String user, String password) {
        String adminUrl() {
            return urlFor(adminDb);
        }

        String urlFor(String db) {
            return baseUrl + db;
        }
    }

    /** One database of the shared server. */
    public record TestDatabase(String jdbcUrl, String user, String password) {
        /** A small pool on this database; close it at the end of the spec. */
        public HikariDataSource dataSource() {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(jdbcUrl);
            cfg.setUsername(user);
            cfg.setPassword(password);
            cfg.setMaximumPoolSize(12);
            cfg.setConnectionTimeout(5_000);
            return new HikariDataSource(cfg);
        }
    }
}
