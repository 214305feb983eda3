package dev.entente.controlplane.hub;

import dev.entente.ca.tls.HubTls;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** A started hub: its Micronaut context, server and database, stopped together and once. */
public final class RunningHub implements AutoCloseable {
    /** How often a hub re-reads which TLS key is active. */
    static final Duration TLS_REFRESH = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(RunningHub.class);
    private final HubBootstrap.Booted boot;
    private final ApplicationContext context;
    private final EmbeddedServer server;
    private final HubTls tls;
    private final ScheduledExecutorService housekeeping;
    private final HubWorker worker;
    private final java.util.concurrent.CountDownLatch stoppedLatch = new java.util.concurrent.CountDownLatch(1);
    private volatile String fatal;
    private boolean stopped;

    RunningHub(ApplicationContext context, EmbeddedServer server, HubWorker worker, HubBootstrap.Booted boot) {
        this.boot = boot;
        this.context = context;
        this.server = server;
        this.tls = context.getBean(HubTls.class);
        this.worker = worker;
        this.housekeeping = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "entente-housekeeping");
            t.setDaemon(true);
            return t;
        });
        // Another replica may rotate the TLS key, and grace windows end with time: re-read.
        housekeeping.scheduleWithFixedDelay(this::refreshTls, TLS_REFRESH.toMillis(), TLS_REFRESH.toMillis(),
                TimeUnit.MILLISECONDS);
        boot.identity().onDatabaseLost(() -> {
            fatal = "the embedded PostgreSQL died and could not be started again";
            Thread t = new Thread(this::stop, "entente-stop-database-lost");
            t.setDaemon(true);
            t.start();
        });
    }

    /**
     * Blocks until the hub stopped; returns why when it stopped by itself (its database is gone),
     * or null after an ordinary stop.
     */
    public String awaitStop() throws InterruptedException {
        stoppedLatch.await();
        return fatal;
    }

    /** Why the hub stopped by itself, or null. */
    public String fatal() {
        return fatal;
    }

    private void refreshTls() {
        try {
            String served = boot.tls().current().fingerprint();
            tls.refresh();
            if (!served.equals(boot.tls().current().fingerprint())) {
                // another replica or a worker process renewed it: the local CLI pins from these files
                HubBootstrap.writeLocalFiles(boot.settings(), boot.identity(), boot.tls());
            }
        } catch (RuntimeException e) {
            LOG.debug("TLS refresh skipped: {}", e.getMessage());
        }
    }

    public String hubId() {
        return boot.identity().hubId();
    }

    public HubSettings settings() {
        return boot.settings();
    }

    public Path dataDir() {
        return boot.settings().dataDir();
    }

    /** One of the hub's beans, e.g. {@code bean(FederationService.class)}. */
    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public ApplicationContext context() {
        return context;
    }

    /** The in-process worker, or null when {@code entente.worker.in-process} is false. */
    public HubWorker worker() {
        return worker;
    }

    public int port() {
        return server.getPort();
    }

    /** The URL the local CLI uses. */
    public String url() {
        return boot.settings().localUrl(port());
    }

    /**
     * Stops serving, then closes the context (its beans write what they buffered while the pool is
     * still open), then the pool and the embedded database (in that order).
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        housekeeping.shutdownNow();
        try {
            if (worker != null) {
                if (fatal != null) {
                    worker.abandon();
                } else {
                    worker.close();
                }
            }
            if (server.isRunning()) {
                server.stop();
            }
            context.close();
        } finally {
            boot.closeDatabase();
            stoppedLatch.countDown();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
