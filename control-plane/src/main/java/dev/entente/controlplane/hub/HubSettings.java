package dev.entente.controlplane.hub;

import dev.entente.federation.peer.Durations;
import dev.entente.ca.authority.CaAlgorithm;
import dev.entente.federation.approval.ApprovalGate;
import java.util.Map;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.value.PropertyResolver;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Every setting of DESIGN §9 with its default, read once from Micronaut's merged configuration
 * (start flags, then {@code ENTENTE_*} environment variables, then {@code entente.yml}).
 *
 * @param dataDir       {@code entente.data-dir}: admin token, TLS certificate, embedded database
 * @param name          {@code entente.hub.name}, default the host name
 * @param bind          {@code entente.hub.bind}, default {@code 0.0.0.0}
 * @param port          {@code entente.hub.port}, default 7443; 0 picks a free port
 * @param publicUrl     {@code entente.hub.public-url}, default {@code https://<bind or hostname>:<port>}
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

    public static final int DEFAULT_PORT = 7443;

    public static HubSettings from(PropertyResolver p, Path dataDir) {
        String bind = p.get("entente.hub.bind", String.class).orElse("0.0.0.0");
        int port = p.get("entente.hub.port", Integer.class).orElse(DEFAULT_PORT);
        return new HubSettings(
                dataDir,
                p.get("entente.hub.name", String.class).orElseGet(HubSettings::hostname),
                bind,
                port,
                p.get("entente.hub.public-url", String.class).orElse(null),
                p.get("entente.db.url", String.class).orElse(null),
                p.get("entente.db.user", String.class).orElse(null),
                p.get("entente.db.password", String.class).orElse(null),
                duration(p, "entente.heartbeat.interval", "30s"),
                duration(p, "entente.heartbeat.stale-after", "5m"),
                duration(p, "entente.sweep.interval", "60s"),
                duration(p, "entente.tokens.acceptance-ttl", "7d"),
                duration(p, "entente.tokens.clock-skew", "60s"),
                duration(p, "entente.certs.node-ttl", "7d"),
                duration(p, "entente.tls.rotation-grace", "24h"),
                duration(p, "entente.tls.cert-validity", "365d"),
                duration(p, "entente.approvals.timeout", "4h"),
                p.get("entente.federation.drill-mode", Boolean.class).orElse(false),
                caAlgorithm(p.get("entente.ca.algorithm", String.class).orElse("ed25519")),
                approvalPolicies(p),
                new EmbeddedDatabase.Options(
                        p.get("entente.database.durable", Boolean.class).orElse(EmbeddedDatabase.Options.DEFAULTS.durable()),
                        p.get("entente.database.os-user", String.class).orElse(EmbeddedDatabase.Options.DEFAULTS.osUser()),
                        duration(p, "entente.database.restart-give-up", "2m")));
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
     * the environment form is {@code ENTENTE_APPROVALS_POLICY_PEER_REVOKE=require_approval}.
     */
    private static Map<String, String> approvalPolicies(PropertyResolver p) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (String action : ApprovalGate.ACTIONS) {
            String value = p.get("entente.approvals.policy." + action, String.class)
                    .or(() -> p.get("entente.approvals.policy." + action.replace('.', '-'), String.class))
                    .orElse("auto");
            if (!value.equals("auto") && !value.equals("require_approval")) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "entente.approvals.policy." + action
                        + " must be auto or require_approval, not " + value);
            }
            out.put(action, value);
        }
        return out;
    }

    private static Duration duration(PropertyResolver p, String key, String dflt) {
        return p.get(key, String.class).map(Durations::parse).orElseGet(() -> Durations.parse(dflt));
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
