package dev.entente.controlplane.hub;

import dev.entente.controlplane.security.oidc.OidcSettings;
import dev.entente.federation.peer.Durations;
import dev.entente.ca.authority.CaAlgorithm;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.controlplane.config.ApprovalsConfiguration;
import dev.entente.controlplane.config.CaConfiguration;
import dev.entente.controlplane.config.CertsConfiguration;
import dev.entente.controlplane.config.DatabaseConfiguration;
import dev.entente.controlplane.config.DbConfiguration;
import dev.entente.controlplane.config.FederationConfiguration;
import dev.entente.controlplane.config.HeartbeatConfiguration;
import dev.entente.controlplane.config.HubConfiguration;
import dev.entente.controlplane.config.ConsoleConfiguration;
import dev.entente.controlplane.config.OidcConfiguration;
import dev.entente.controlplane.ui.ConsoleSessions;
import dev.entente.controlplane.config.SettingKeys;
import dev.entente.controlplane.config.SweepConfiguration;
import dev.entente.controlplane.config.TlsConfiguration;
import dev.entente.controlplane.config.TokensConfiguration;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.ApplicationContext;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of DESIGN §9, typed and checked, from the configuration classes of
 * {@code dev.entente.controlplane.config} (which hold the defaults) over Micronaut's merged
 * configuration: start flags, then {@code ENTENTE_*} environment variables, then {@code entente.yml}.
 * Each component is the setting of the same name documented there and in {@code docs/configuration.md}.
 *
 * @param dataDir       {@code entente.data-dir}: admin token, TLS certificate, embedded database
 * @param name          {@code entente.hub.name}, the host name when unset
 * @param publicUrl     {@code entente.hub.public-url}; null until {@link #publicUrl(int)} derives it
 * @param dbUrl         {@code entente.db.url}: external PostgreSQL; null runs the embedded one
 * @param database      how the embedded PostgreSQL runs ({@code entente.database.*})
 */
public record HubSettings(Path dataDir, String name, String bind, int port, String publicUrl,
                          String dbUrl, String dbUser, String dbPassword,
                          Duration heartbeatInterval, Duration staleAfter, Duration sweepInterval,
                          Duration acceptanceTtl, Duration clockSkew, Duration nodeTtl,
                          Duration tlsRotationGrace, Duration tlsCertValidity, Duration approvalsTimeout,
                          boolean drillMode, CaAlgorithm caAlgorithm, Map<String, String> approvalPolicies,
                          EmbeddedDatabase.Options database) {

    /**
     * The settings bound by the configuration classes of {@code dev.entente.controlplane.config},
     * which hold every default; durations, the CA algorithm and approval policies are checked here,
     * once, with {@code invalid_request} naming the setting.
     */
    public static HubSettings from(ApplicationContext context, Path dataDir) {
        SettingKeys.of(context).refuseUnconvertible(context.getEnvironment());
        // A half-configured identity provider stops the start, not the first sign-in.
        OidcSettings.from(context.getBean(OidcConfiguration.class));
        ConsoleSessions.Timeouts.of(context.getBean(ConsoleConfiguration.class));
        HubConfiguration hub = context.getBean(HubConfiguration.class);
        DbConfiguration db = context.getBean(DbConfiguration.class);
        HeartbeatConfiguration heartbeat = context.getBean(HeartbeatConfiguration.class);
        TokensConfiguration tokens = context.getBean(TokensConfiguration.class);
        TlsConfiguration tls = context.getBean(TlsConfiguration.class);
        ApprovalsConfiguration approvals = context.getBean(ApprovalsConfiguration.class);
        DatabaseConfiguration database = context.getBean(DatabaseConfiguration.class);
        return new HubSettings(
                dataDir,
                hub.name() != null ? hub.name() : hostname(),
                hub.bind(),
                hub.port(),
                hub.publicUrl(),
                db.url(),
                db.user(),
                db.password(),
                duration("entente.heartbeat.interval", heartbeat.interval()),
                duration("entente.heartbeat.stale-after", heartbeat.staleAfter()),
                duration("entente.sweep.interval", context.getBean(SweepConfiguration.class).interval()),
                duration("entente.tokens.acceptance-ttl", tokens.acceptanceTtl()),
                duration("entente.tokens.clock-skew", tokens.clockSkew()),
                duration("entente.certs.node-ttl", context.getBean(CertsConfiguration.class).nodeTtl()),
                duration("entente.tls.rotation-grace", tls.rotationGrace()),
                duration("entente.tls.cert-validity", tls.certValidity()),
                duration("entente.approvals.timeout", approvals.timeout()),
                context.getBean(FederationConfiguration.class).drillMode(),
                caAlgorithm(context.getBean(CaConfiguration.class).algorithm()),
                approvalPolicies(approvals.policy() == null ? Map.of() : approvals.policy()),
                new EmbeddedDatabase.Options(database.durable(), database.osUser(),
                        duration("entente.database.restart-give-up", database.restartGiveUp())));
    }

    /** {@code entente.ca.algorithm}: {@code ed25519} (default) or {@code ecdsa-p256}; applies to new CA keys. */
    private static CaAlgorithm caAlgorithm(String value) {
        return switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "ed25519" -> CaAlgorithm.ED25519;
            case "ecdsa-p256", "p256", "ec-p256" -> CaAlgorithm.ECDSA_P256;
            default -> throw new EntenteException(ErrorCode.INVALID_REQUEST,
                    "entente.ca.algorithm must be ed25519 or ecdsa-p256, not " + value);
        };
    }

    /**
     * {@code entente.approvals.policy.<action>}: {@code auto} (default) or {@code require_approval};
     * the environment form ({@code ENTENTE_APPROVALS_POLICY_PEER_REVOKE}) may arrive as
     * {@code peer-revoke} as well as {@code peer.revoke}.
     */
    private static Map<String, String> approvalPolicies(Map<String, String> configured) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String action : ApprovalGate.ACTIONS) {
            String value = configured.getOrDefault(action, configured.getOrDefault(action.replace('.', '-'), "auto"));
            if (!value.equals("auto") && !value.equals("require_approval")) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.approvals.policy." + action
                        + " must be auto or require_approval, not " + value);
            }
            out.put(action, value);
        }
        return out;
    }

    private static Duration duration(String key, String text) {
        return Durations.parse(key, text, Durations.MAX);
    }

    /** The public URL once the real port is known (port 0 binds a free one). */
    public String publicUrl(int boundPort) {
        if (publicUrl != null) {
            return publicUrl;
        }
        String host = isWildcard(bind) ? hostname() : bind;
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }

    /** The URL this machine's CLI should dial: loopback when bound to every interface. */
    public String localUrl(int boundPort) {
        String host = isWildcard(bind) ? "127.0.0.1" : bind;
        return "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + boundPort;
    }

    /** Names and addresses the hub certificate must cover. */
    public Set<String> subjectAltNames() {
        Set<String> sans = new LinkedHashSet<>();
        if (!isWildcard(bind)) {
            sans.add(bind);
        }
        sans.add("localhost");
        sans.add("127.0.0.1");
        sans.add("::1");
        sans.add(hostname());
        if (publicUrl != null) {
            String host = URI.create(publicUrl).getHost();
            if (host != null) {
                sans.add(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
            }
        }
        return sans;
    }

    public boolean loopbackOnly() {
        return bind.equals("127.0.0.1") || bind.equals("::1") || bind.equals("localhost");
    }

    static boolean isWildcard(String bind) {
        return bind.equals("0.0.0.0") || bind.equals("::");
    }

    static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
