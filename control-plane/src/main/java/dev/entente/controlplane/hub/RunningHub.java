package dev.entente.controlplane.hub;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;

/** A started hub: its runtime, Micronaut context and server, stopped together and once. */
public final class RunningHub implements AutoCloseable {
    private final HubRuntime runtime;
    private final ApplicationContext context;
    private final EmbeddedServer server;
    private boolean stopped;

    RunningHub(HubRuntime runtime, ApplicationContext context, EmbeddedServer server) {
        this.runtime = runtime;
        this.context = context;
        this.server = server;
    }

    public HubRuntime runtime() {
        return runtime;
    }

    public ApplicationContext context() {
        return context;
    }

    public int port() {
        return server.getPort();
    }

    /** The URL the local CLI uses. */
    public String url() {
        return runtime.settings().localUrl(port());
    }

    /** Stops serving, then closes the pool and the embedded database (in that order). */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            if (server.isRunning()) {
                server.stop();
            }
            context.close();
        } finally {
            runtime.closeDatabase();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
