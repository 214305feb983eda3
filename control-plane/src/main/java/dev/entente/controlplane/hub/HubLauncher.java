package dev.entente.controlplane.hub;

import dev.entente.ca.vault.PassphraseFile;
import dev.entente.client.local.DataDirs;
import dev.entente.ca.vault.SealedKeyStore;
import dev.entente.ca.vault.TokenKeyring;
import dev.entente.ca.vault.VaultAuditKeyring;
import dev.entente.federation.anchor.AnchoredAudit;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.controlplane.federation.FederationService;
import dev.entente.federation.access.PeerAuthenticator;
import dev.entente.controlplane.hub.wiring.DatabaseDrain;
import dev.entente.controlplane.metrics.HubMetrics;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.tls.HubTls;
import dev.entente.controlplane.tls.TlsModeSettings;
import dev.entente.controlplane.tls.TlsModes;
import dev.entente.controlplane.tls.TlsRenewal;
import dev.entente.controlplane.config.LogConfiguration;
import dev.entente.controlplane.config.AcmeConfiguration;
import dev.entente.controlplane.config.TlsConfiguration;
import dev.entente.controlplane.tls.TlsState;
import dev.entente.federation.grant.GrantAuthorizer;
import dev.entente.federation.resource.ResourceRepository;
import dev.entente.controlplane.config.EffectiveConfiguration;
import dev.entente.controlplane.config.EnvironmentSource;
import dev.entente.controlplane.config.SettingKeys;
import dev.entente.controlplane.config.TestingConfiguration;
import dev.entente.controlplane.config.WorkerConfiguration;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.audit.EventSource;
import dev.entente.lifecycle.db.Tx;
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
import java.util.LinkedHashMap;
import java.util.List;
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
     * @param env        the environment settings are read from ({@code ENTENTE_HEARTBEAT_INTERVAL}) along with
     *                   {@code ENTENTE_DATA_DIR} and the key passphrase; the CLI hands over the process's
     */
    public static RunningHub launch(Map<String, Object> flags, Path configFile, Map<String, String> env, Clock clock) {
        Path dataDir = dataDir(flags, env);
        // A Micronaut property source: values of any type Micronaut converts (strings, numbers, booleans).
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

        // Precedence (higher order wins): start flags, then ENTENTE_* variables of env (where
        // Micronaut puts the process environment, -200), then entente.yml.
        List<PropertySource> sources = new ArrayList<>();
        sources.add(PropertySource.of(EffectiveConfiguration.FLAGS_SOURCE, base, FLAGS_ORDER));
        sources.add(new EnvironmentSource(env));
        sources.addAll(configSources(configFile, dataDir));
        ApplicationContext ctx = ApplicationContext.builder()
                .deduceEnvironment(false)
                .banner(false)
                .environmentPropertySource(false)
                .propertySources(sources.toArray(PropertySource[]::new))
                .start();
        HubBootstrap.Booted boot = null;
        try {
            // A misspelt key would otherwise be ignored and its setting left at the default.
            SettingKeys.of(ctx).check(sources).forEach(LOG::warn);
            Logging.apply(ctx.getBean(LogConfiguration.class));
            HubSettings settings = HubSettings.from(ctx, dataDir);
            // A TLS mode asked for but not configured stops the start before the database starts.
            TlsModeSettings.from(ctx.getBean(TlsConfiguration.class), ctx.getBean(AcmeConfiguration.class));
            // Micronaut reads these when it creates the server bean, which has not happened yet.
            Map<String, Object> server = new HashMap<>();
            server.put("micronaut.server.ssl.port", settings.port() == 0 ? -1 : settings.port());
            server.put("micronaut.server.host", settings.bind());
            ctx.getEnvironment().addPropertySource(PropertySource.of("entente-server", server, FLAGS_ORDER + 10));
            boot = HubBootstrap.boot(settings, env, clock, ctx);
            register(ctx, boot);
            // A custom certificate the hub cannot serve stops the start here, before anything is served.
            TlsModes tlsModes = ctx.getBean(TlsModes.class);
            tlsModes.beforeServing();
            if (ctx.getBean(TlsConfiguration.class).autoRenew()) {
                // Before serving: an expired certificate would lock out every peer and the CLI's pin.
                ctx.getBean(TlsRenewal.class).atStart(clock.instant());
            }
            // The server's TLS context asks clients for certificates under these CAs.
            ctx.getBean(HubTls.class).trustFederationCas();
            EmbeddedServer embedded = ctx.getBean(EmbeddedServer.class);
            try {
                embedded.start();
            } catch (RuntimeException e) {
                throw portProblem(settings, e);
            }
            HubIdentity hub = boot.identity();
            hub.boundPort(embedded.getPort());
            // ACME validates on the port just opened; custom files are watched from now on.
            tlsModes.serving();
            if (settings.drillMode()) {
                LOG.warn("entente.federation.drill-mode is on: a proposed peer with no token digest accepts any caller; "
                        + "never run a production hub like this");
            }
            HubBootstrap.writeLocalFiles(settings, hub, boot.tls());
            AuditLog audit = boot.audit();
            String fingerprint = boot.tls().current().fingerprint();
            boot.tx().inTransaction(c -> audit.append(c, AuditEvent.of(EventSource.HUB, AuditEventType.HUB_STARTED,
                    hub.hubId(), Map.of("listening", hub.listening(), "database", hub.databaseKind(),
                            "tls_fingerprint", fingerprint))));
            ApprovalGate approvals = ctx.getBean(ApprovalGate.class);
            approvals.haltAfterApproval(ctx.getBean(TestingConfiguration.class).haltAfterApproval());
            // What a hub stopped between approving and executing left behind, before any new request.
            approvals.executeApproved();
            boolean inProcessWorker = ctx.getBean(WorkerConfiguration.class).inProcess();
            RunningHub running = new RunningHub(ctx, embedded, inProcessWorker ? ctx.getBean(HubWorker.class).start() : null, boot);
            hub.markStartupDone();
            return running;
        } catch (RuntimeException e) {
            ctx.close();
            if (boot != null) {
                boot.closeDatabase();
            }
            throw e;
        }
    }

    /**
     * Puts what the bootstrap made into the context, each as its own singleton, then builds the
     * beans every request and job relies on: the federation CA and the anchor key are loaded or
     * created at start, not by whichever request comes first, and the shutdown drain is in place
     * before anything can buffer a write. Also used by {@code entente worker}, which runs no server.
     */
    public static void register(ApplicationContext ctx, HubBootstrap.Booted boot) {
        ctx.registerSingleton(HubSettings.class, boot.settings());
        ctx.registerSingleton(HubIdentity.class, boot.identity());
        ctx.registerSingleton(Clock.class, boot.clock());
        ctx.registerSingleton(Tx.class, boot.tx());
        ctx.registerSingleton(AuditLog.class, boot.audit());
        ctx.registerSingleton(VaultAuditKeyring.class, boot.auditKeys());
        ctx.registerSingleton(SealedKeyStore.class, boot.keys());
        ctx.registerSingleton(TokenKeyring.class, boot.tokenKeys());
        ctx.registerSingleton(PassphraseFile.class, boot.passphraseFile());
        ctx.registerSingleton(OperatorTokens.class, boot.tokens());
        ctx.registerSingleton(TlsState.class, boot.tls());
        if (boot.embeddedDatabase() != null) {
            ctx.registerSingleton(EmbeddedDatabase.class, boot.embeddedDatabase());
        }
        ctx.getBean(DatabaseDrain.class);
        ctx.getBean(FederationService.class);
        ctx.getBean(PeerAuthenticator.class);
        ctx.getBean(GrantAuthorizer.class);
        ctx.getBean(ResourceRepository.class);
        ctx.getBean(AnchoredAudit.class);
        ctx.getBean(ApprovalGate.class);
        ctx.getBean(HubMetrics.class);
    }

    /** {@code --data-dir}, else {@code ENTENTE_DATA_DIR}, else {@code $XDG_DATA_HOME/entente}. */
    public static Path dataDir(Map<String, Object> flags, Map<String, String> env) {
        Object flag = flags.get("entente.data-dir");
        if (flag != null) {
            return Path.of(flag.toString()).toAbsolutePath();
        }
        return DataDirs.defaultFor(env);
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
            // Micronaut's own reading of the YAML file: nested maps flattened to keys, values as written.
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
