package dev.entente.controlplane.security;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who may call each HTTP route of a hub: the one table the admin API's and the web console's
 * authorization reads, and the one the route × role specs check against {@code docs/openapi.yml}
 * (the API) and the router (the console's {@code /ui} pages). A route missing here is
 * refused at run time (closed by default) and fails that spec, so a new route cannot ship without
 * a deliberate rule.
 *
 * <p>Keys are {@code METHOD /path/{param}} as documented; path parameters compare by position.
 */
public final class RouteRules {
    /** Who a route is for. */
    public enum Caller {
        /** Anyone, with or without a token: liveness, the API document, signing in. */
        ANYONE,
        /**
         * Another hub: operator tokens play no part; the federation protocol authenticates
         * (mutual TLS, acceptance and grant tokens).
         */
        PEER,
        /** An operator with a bearer token whose roles grant the rule's permission. */
        OPERATOR
    }

    /** A route's rule; {@code permission} is set exactly for {@link Caller#OPERATOR}. */
    public record Rule(Caller caller, Permission permission) {
        public static Rule anyone() {
            return new Rule(Caller.ANYONE, null);
        }

        public static Rule peer() {
            return new Rule(Caller.PEER, null);
        }

        public static Rule operator(Permission permission) {
            return new Rule(Caller.OPERATOR, permission);
        }

        /** Whether an operator holding {@code roles} passes this rule. */
        public boolean allows(java.util.Collection<Role> roles) {
            return caller != Caller.OPERATOR || roles.stream().anyMatch(r -> r.allows(permission));
        }
    }

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();
    /** Router templates ({@code GET /api/v1/peers/{id}}) to their rule keys. */
    private static final Map<String, String> KEYS = new ConcurrentHashMap<>();

    static {
        rule("GET /healthz", Rule.anyone());
        rule("GET /readyz", Rule.anyone());
        // Its series name every peer; entente.metrics.unauthenticated-access opens it (RouteSecurityRule).
        read("GET /metrics");
        rule("GET /openapi.yml", Rule.anyone());
        // Signing in is how an operator gets a token: the identity provider, then the one-time
        // code and the CLI's own verifier, authenticate these.
        rule("GET /auth/oidc/login", Rule.anyone());
        rule("GET /auth/oidc/callback", Rule.anyone());
        rule("POST /auth/oidc/token", Rule.anyone());
        // Any operator may end their own session.
        read("DELETE /api/v1/session");

        read("GET /api/v1/status");
        read("GET /api/v1/tls");
        write("POST /api/v1/tls/rotate");
        admin("POST /api/v1/backup");
        admin("POST /api/v1/operators/tokens");
        // Settings name the database and network layout; secrets are redacted, the rest is still the admin's.
        admin("GET /api/v1/config");
        // Who holds which token, and taking one back, are the admin's like issuing.
        admin("GET /api/v1/operators/tokens");
        admin("POST /api/v1/operators/tokens/{id}/revoke");

        read("GET /api/v1/peers");
        write("POST /api/v1/peers");
        write("POST /api/v1/peers/accept");
        read("GET /api/v1/peers/{id}");
        write("POST /api/v1/peers/{id}/token");
        write("POST /api/v1/peers/{id}/suspend");
        write("POST /api/v1/peers/{id}/resume");
        write("POST /api/v1/peers/{id}/revoke");
        write("POST /api/v1/peers/{id}/repin");
        write("POST /api/v1/peers/{id}/url");
        write("POST /api/v1/peers/{id}/reenroll");
        write("POST /api/v1/peers/reenroll");
        // Reads a token without spending it: the body carries it, so it stays out of access logs.
        read("POST /api/v1/tokens/decode");

        read("GET /api/v1/grants");
        write("POST /api/v1/grants");
        read("GET /api/v1/grants/{id}");
        write("POST /api/v1/grants/{id}/revoke");
        read("GET /api/v1/grants/{id}/explain");
        write("POST /api/v1/grants/{id}/update");
        write("POST /api/v1/grants/{id}/renew");

        read("GET /api/v1/resources");
        write("PUT /api/v1/resources/{kind}/{name}");
        write("DELETE /api/v1/resources/{kind}/{name}");
        // Asks a peer, with this hub's own grant: reading, not changing anything here.
        read("POST /api/v1/remote/resources");

        read("GET /api/v1/approvals");
        read("GET /api/v1/approvals/{id}");
        // Who may approve depends on the action (approver_has_role): the approval lifecycle decides.
        read("POST /api/v1/approvals/{id}/approve");
        // Only the requester may collect (approval_requester_only): the approval gate decides.
        read("POST /api/v1/approvals/{id}/collect");
        rule("POST /api/v1/approvals/{id}/reject", Rule.operator(Permission.APPROVE));
        read("GET /api/v1/approval-policies");
        // Changing who must agree to what is the admin's; lowering also passes the approval gate.
        admin("PUT /api/v1/approval-policies/{action}");

        read("GET /api/v1/worker/pauses");
        write("POST /api/v1/worker/pause");
        write("POST /api/v1/worker/resume");

        read("GET /api/v1/ca");
        write("POST /api/v1/ca/rotate/{move}");

        read("GET /api/v1/audit");
        read("GET /api/v1/events");
        read("GET /api/v1/audit/verify");
        admin("POST /api/v1/audit/keys/rotate");
        // Which keys exist and whether they are current: fingerprints, never a secret.
        read("GET /api/v1/keys");
        // Rotating invalidates every operator's token and the peers' pending tokens; re-keying
        // changes what opens the database: the admin's, like a backup.
        admin("POST /api/v1/keys/rotate");
        admin("POST /api/v1/keys/rekey");
        read("GET /api/v1/doctor");
        read("GET /api/v1/findings");

        // The web console (ui/): HTML pages, not in the API document; ConsoleRouteSpec checks
        // these against the router. Each form needs what the admin API route it mirrors needs.
        rule("GET /ui/login", Rule.anyone());
        rule("POST /ui/login", Rule.anyone());
        rule("GET /ui/login/oidc", Rule.anyone());
        rule("GET /ui/assets/{name}", Rule.anyone());
        read("POST /ui/logout");
        read("GET /ui");
        // Runbooks are the project's public documentation; the sign-in page links its refusals there.
        rule("GET /ui/runbook/{code}", Rule.anyone());
        read("GET /ui/peers");
        read("GET /ui/peers/{id}");
        write("POST /ui/peers");
        write("POST /ui/peers/accept");
        write("POST /ui/peers/{id}/token");
        write("POST /ui/peers/{id}/suspend");
        write("POST /ui/peers/{id}/resume");
        write("POST /ui/peers/{id}/revoke");
        write("POST /ui/peers/{id}/repin");
        read("GET /ui/approvals");
        read("POST /ui/approvals/{id}/approve");
        rule("POST /ui/approvals/{id}/reject", Rule.operator(Permission.APPROVE));
        read("GET /ui/ca");
        // The confirmation page of a move: only for those who may make it.
        write("GET /ui/ca/{move}");
        write("POST /ui/ca/{move}");
        read("GET /ui/grants");
        write("POST /ui/grants");
        write("POST /ui/grants/{id}/revoke");
        read("GET /ui/grants/{id}/explain");
        read("GET /ui/audit");

        rule("GET /federation/v1/ping", Rule.peer());
        rule("POST /federation/v1/handshake/accept", Rule.peer());
        rule("POST /federation/v1/handshake/complete", Rule.peer());
        rule("POST /federation/v1/heartbeat", Rule.peer());
        rule("POST /federation/v1/renew", Rule.peer());
        rule("POST /federation/v1/reenroll", Rule.peer());
        rule("GET /federation/v1/resources", Rule.peer());
        rule("GET /federation/v1/resources/{kind}/{name}", Rule.peer());
        rule("PUT /federation/v1/resources/{kind}/{name}", Rule.peer());
    }

    private RouteRules() {
    }

    /** The rule of a route, by method and path template (a router's or the document's). */
    public static Optional<Rule> of(String method, String template) {
        // Asked on every request; the routes are a fixed set, so each key is worked out once.
        return Optional.ofNullable(RULES.get(KEYS.computeIfAbsent(method + " " + template, k -> key(method, template))));
    }

    /** Every rule, keyed by normalised {@code METHOD /path/{}}. */
    public static Map<String, Rule> all() {
        return Map.copyOf(RULES);
    }

    /**
     * {@code METHOD /path/{}}: parameter names dropped (the router and the document may name
     * them differently), query templates and a trailing slash dropped.
     */
    public static String key(String method, String template) {
        String path = template.replaceAll("\\{[?&][^}]*}", "").replaceAll("\\{[^}]*}", "{}");
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return method.toUpperCase(Locale.ROOT) + " " + path;
    }

    private static void read(String route) {
        rule(route, Rule.operator(Permission.READ));
    }

    private static void write(String route) {
        rule(route, Rule.operator(Permission.WRITE));
    }

    private static void admin(String route) {
        rule(route, Rule.operator(Permission.ADMIN));
    }

    private static void rule(String route, Rule rule) {
        String[] parts = route.split(" ", 2);
        if (RULES.put(key(parts[0], parts[1]), rule) != null) {
            throw new IllegalStateException("two rules for " + route);
        }
    }
}
