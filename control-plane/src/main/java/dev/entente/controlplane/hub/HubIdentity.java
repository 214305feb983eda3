package dev.entente.controlplane.hub;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who this hub is and where it runs: id and name from its database, when it started, the port
 * the server bound, and whether its PostgreSQL is embedded. Made by {@link HubBootstrap}; the
 * bound port is known only once the server started, so it is set then.
 */
public final class HubIdentity {
    private final HubSettings settings;
    private final String hubId;
    private final String name;
    private final Clock clock;
    private final Instant startedAt;
    private final EmbeddedDatabase embeddedDatabase;
    private volatile int boundPort;
    private volatile Runnable databaseLost = () -> { };
    private volatile boolean startupDone;

    HubIdentity(HubSettings settings, String hubId, String name, Clock clock, EmbeddedDatabase embeddedDatabase) {
        this.settings = settings;
        this.hubId = hubId;
        this.name = name;
        this.clock = clock;
        this.startedAt = clock.instant();
        this.embeddedDatabase = embeddedDatabase;
        this.boundPort = settings.port();
    }

    public String hubId() {
        return hubId;
    }

    public String name() {
        return name;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** Whether the start finished: listening, local files written, the worker (if any) started. */
    public boolean startupDone() {
        return startupDone;
    }

    void markStartupDone() {
        startupDone = true;
    }

    public Duration uptime() {
        return Duration.between(startedAt, clock.instant());
    }

    /** The embedded database, empty when the hub runs on {@code --db-url}. */
    public Optional<EmbeddedDatabase> embeddedDatabase() {
        return Optional.ofNullable(embeddedDatabase);
    }

    public String databaseKind() {
        return embeddedDatabase == null ? "external" : "embedded";
    }

    public int boundPort() {
        return boundPort;
    }

    void boundPort(int port) {
        this.boundPort = port;
    }

    public String listening() {
        String bind = settings.bind();
        return (bind.contains(":") ? "[" + bind + "]" : bind) + ":" + boundPort;
    }

    public String publicUrl() {
        return settings.publicUrl(boundPort);
    }

    /** Run when the embedded database died and could not be started again: the hub must not stay half-alive. */
    public void onDatabaseLost(Runnable action) {
        this.databaseLost = action;
    }

    void databaseLost() {
        databaseLost.run();
    }
}
