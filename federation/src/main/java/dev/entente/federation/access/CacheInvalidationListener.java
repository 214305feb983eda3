package dev.entente.federation.access;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;

/**
 * One thread per hub process that LISTENs on channel {@code entente_cache} on a dedicated
 * connection and hands every notice (sent by the V9 triggers when a change commits, on any
 * process sharing the database) to the {@link FederationAccessCache}. The cache is only used
 * while this listener is connected: on a lost connection it is switched off and cleared, and
 * cleared again once LISTEN is back, since notices sent in between never reach us.
 *
 * <p>Other in-memory state kept exact by the same triggers (the shell's revoked operator tokens)
 * joins as a {@link Subscriber} of its own tables, whose notices then bypass the access cache.
 */
public final class CacheInvalidationListener implements AutoCloseable {
    static final String CHANNEL = "entente_cache";
    /** The listener's {@code application_name} in {@code pg_stat_activity}, so operators can tell it apart. */
    public static final String APPLICATION_NAME = "entente-cache-listener";
    private static final Logger LOG = LoggerFactory.getLogger(CacheInvalidationListener.class);
    // How long one wait for notices lasts; also how often the loop sees close().
    private static final int POLL_MILLIS = 200;
    // A query now and then proves the connection alive: a silent socket looks like "no notices".
    private static final long PING_NANOS = 5_000_000_000L;
    private static final long RETRY_MILLIS = 1_000;

    /**
     * In-memory state kept fresh by notices of its {@link #tables()}: told when LISTEN starts
     * (reload, since notices may have been missed), each notice's key (null for a whole-table
     * notice) and when LISTEN is lost (stop trusting what is held).
     */
    public interface Subscriber {
        Set<String> tables();

        void connected();

        void notice(String table, String key);

        void disconnected();
    }

    private final DataSource dataSource;
    private final FederationAccessCache cache;
    private final List<Subscriber> subscribers;
    private final Thread thread;
    private volatile boolean running = true;

    public CacheInvalidationListener(DataSource dataSource, FederationAccessCache cache, String name,
                                     List<? extends Subscriber> subscribers) {
        this.dataSource = dataSource;
        this.cache = cache;
        this.subscribers = List.copyOf(subscribers);
        this.thread = new Thread(this::run, "entente-cache-listener-" + name);
        this.thread.setDaemon(true);
    }

    public CacheInvalidationListener start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                c.setClientInfo("ApplicationName", APPLICATION_NAME);
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                // LISTEN is in effect before we clear: a change committed after this point is
                // either in what a later fill reads or in a notice we will get.
                cache.connected();
                subscribers.forEach(Subscriber::connected);
                long pingedAt = System.nanoTime();
                try {
                    while (running) {
                        PGNotification[] notices = pg.getNotifications(POLL_MILLIS);
                        if (notices != null) {
                            for (PGNotification n : notices) {
                                deliver(n.getParameter());
                            }
                        }
                        if (System.nanoTime() - pingedAt > PING_NANOS) {
                            try (Statement s = c.createStatement()) {
                                s.execute("SELECT 1");
                            }
                            pingedAt = System.nanoTime();
                        }
                    }
                } finally {
                    disconnected();
                    // The connection goes back to the pool: it must not keep listening there.
                    try (Statement s = c.createStatement()) {
                        s.execute("UNLISTEN *");
                        c.setClientInfo("ApplicationName", "");
                    } catch (SQLException ignored) {
                        // a broken connection: the pool discards it anyway
                    }
                }
            } catch (SQLException | RuntimeException e) {
                disconnected();
                if (running) {
                    LOG.warn("cache invalidation listener lost its database connection ({}); the federation API reads "
                            + "from the database until it is back", e.getMessage());
                    sleep();
                }
            }
        }
    }

    private void deliver(String payload) {
        int colon = payload.indexOf(':');
        String table = colon < 0 ? payload : payload.substring(0, colon);
        for (Subscriber s : subscribers) {
            if (s.tables().contains(table)) {
                s.notice(table, colon < 0 ? null : payload.substring(colon + 1));
                return;
            }
        }
        cache.notice(payload);
    }

    private void disconnected() {
        cache.disconnected();
        subscribers.forEach(Subscriber::disconnected);
    }

    private void sleep() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Whether LISTEN is in effect (the cache is in use). */
    public boolean connected() {
        return cache.live();
    }

    @Override
    public void close() {
        running = false;
        disconnected();
        try {
            thread.join(POLL_MILLIS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
