package dev.entente.controlplane.hub;

import dev.entente.controlplane.approval.ApprovalGate;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.yaml.YamlPropertySourceLoader;
import io.micronaut.runtime.server.EmbeddedServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Starts a hub: merged configuration, bootstrap, then the Micronaut HTTPS server on the one port.
 * Used by {@code entente start} and by the end-to-end specs, so both run the same code.
 */
public final class HubLauncher {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HubLauncher.class);
    /** Start flags beat everything. */
    static final int FLAGS_ORDER = Integer.MAX_VALUE - 100;
    /** entente.yml loses to environment variables (Micronaut's EnvironmentPropertySource is at -200). */
    static final int CONFIG_FILE_ORDER = -300;
    private HubLauncher() {
    }

    /**
     * @param flags      properties from start flags (highest precedence), e.g. {@code entente.hub.port}
     * @param configFile {@code --config}, or null for {@code <data-dir>/entente.yml} when present
     */
    public static RunningHub launch(Map<String, Object> flags, Path configFile, Map<String, String> env, Clock clock) {
        Path dataDir = dataDir(flags, env);
        Map<String, Object> base = new LinkedHashMap<>();
        base.put("micronaut.application.name", "entente");
        base.put("micronaut.server.ssl.enabled", true);
        base.put("micronaut.server.ssl.build-self-signed", false);
        base.put("micronaut.server.dual-protocol", false);
        base.put("micronaut.server.max-request-size", "1MB");
        // Netty closes the connection after refusing a head over its limit, and a client still
        // sending then gets a reset instead of the answer. Netty reads generously; InputGuard
        // refuses far below that (16KB of headers, 8KB of URI) with a 431/414 the client does read.
        base.put("micronaut.server.netty.max-header-size", 1024 * 1024);
        base.put("micronaut.server.netty.max-initial-line-length", 64 * 1024);
        // Every route touches PostgreSQL: run handlers on the blocking pool, never on the event loop.
        base.put("micronaut.server.thread-selection", "BLOCKING");
        // Operators authenticate through Micronaut Security with one validator, ours
        // (security/OperatorTokenValidator): the library's Nimbus validator would accept tokens
        // ours refuses. An unknown path stays a 404 instead of becoming a 401.
        base.put("micronaut.security.token.jwt.nimbus.reactive-validator", false);
        base.put("micronaut.security.reject-not-found", false);
        base.put("micronaut.security.token.cookie.enabled", false);
        // on by default in Micronaut Security: an unauthenticated /token_info the API never documented
        base.put("micronaut.security.endpoints.introspection.enabled", false);
        base.put("jackson.property-naming-strategy", "SNAKE_CASE");
        base.put("jackson.serialization-inclusion", "ALWAYS");
        base.put("jackson.serialization.write-dates-as-timestamps", false);
        base.putAll(flags);

        // Precedence (higher order wins): start flags, then ENTENTE_* environment variables
        // (Micronaut's source at -200), then entente.yml.
        List<PropertySource> sources = new ArrayList<>();
        sources.add(PropertySource.of("entente-flags", base, FLAGS_ORDER));
        sources.addAll(configSources(configFile, dataDir));
        ApplicationContext ctx = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .propertySources(sources.toArray(PropertySource[]::new))
                .start();
        HubRuntime runtime = null;
        try {
            HubSettings settings = HubSettings.from(ctx.getEnvironment(), dataDir);
            // Micronaut reads these when it creates the server bean, which has not happened yet.
            Map<String, Object> server = new HashMap<>();
            server.put("micronaut.server.ssl.port", settings.port() == 0 ? -1 : settings.port());
            server.put("micronaut.server.host", settings.bind());
            ctx.getEnvironment().addPropertySource(PropertySource.of("entente-server", server, FLAGS_ORDER + 10));
            runtime = HubBootstrap.boot(settings, env, clock, ctx);
            ctx.registerSingleton(HubRuntime.class, runtime);
            EmbeddedServer embedded = ctx.getBean(EmbeddedServer.class);
            try {
                embedded.start();
            } catch (RuntimeException e) {
                throw portProblem(settings, e);
            }
            runtime.boundPort(embedded.getPort());
            if (settings.drillMode()) {
                LOG.warn("entente.federation.drill-mode is on: a proposed peer with no token digest accepts any caller; "
                        + "never run a production hub like this");
            }
            HubBootstrap.writeLocalFiles(runtime);
            HubRuntime r = runtime;
            runtime.tx().inTransaction(c -> r.audit().append(c, AuditEvent.of(EventSource.HUB, AuditEventType.HUB_STARTED, r.hubId(),
                    Map.of("listening", r.listening(), "database", r.databaseKind(),
                            "tls_fingerprint", r.tls().current().fingerprint()))));
            runtime.approvals().haltAfterApproval(ctx.getEnvironment()
                    .get(ApprovalGate.HALT_AFTER_APPROVAL, Boolean.class).orElse(false));
            // What a hub stopped between approving and executing left behind, before any new request.
            runtime.approvals().executeApproved();
            boolean inProcessWorker = ctx.getEnvironment().get("entente.worker.in-process", Boolean.class).orElse(true);
            return new RunningHub(runtime, ctx, embedded, inProcessWorker ? HubWorker.start(runtime) : null);
        } catch (RuntimeException e) {
            ctx.close();
            if (runtime != null) {
                runtime.closeDatabase();
            }
            throw e;
        }
    }

    /** {@code --data-dir}, else {@code ENTENTE_DATA_DIR}, else {@code $XDG_DATA_HOME/entente}. */
    public static Path dataDir(Map<String, Object> flags, Map<String, String> env) {
        Object flag = flags.get("entente.data-dir");
        if (flag != null) {
            return Path.of(flag.toString()).toAbsolutePath();
        }
        return defaultDataDir(env);
    }

    public static Path defaultDataDir(Map<String, String> env) {
        String dir = env.get("ENTENTE_DATA_DIR");
        if (dir != null && !dir.isBlank()) {
            return Path.of(dir).toAbsolutePath();
        }
        String xdg = env.get("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("entente").toAbsolutePath();
    }

    private static List<PropertySource> configSources(Path configFile, Path dataDir) {
        Path file = configFile != null ? configFile : dataDir.resolve("entente.yml");
        if (!Files.isRegularFile(file)) {
            if (configFile != null) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "config file " + configFile + " does not exist");
            }
            return List.of();
        }
        try (InputStream in = Files.newInputStream(file)) {
            Map<String, Object> values = new YamlPropertySourceLoader().read(file.toString(), in);
            return List.of(PropertySource.of(file.toString(), values, CONFIG_FILE_ORDER));
        } catch (IOException | RuntimeException e) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "cannot read config file " + file + ": " + e.getMessage(), e);
        }
    }

    private static EntenteException portProblem(HubSettings settings, RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return new EntenteException(ErrorCode.PORT_IN_USE, settings.bind() + ":" + settings.port()
                        + " is already in use" + PortHolders.describe(settings.port())
                        + "; stop that process or start with --port", e);
            }
        }
        return new EntenteException(ErrorCode.PORT_IN_USE, "cannot listen on " + settings.bind() + ":" + settings.port()
                + ": " + HubBootstrap.rootMessage(e), e);
    }
}
