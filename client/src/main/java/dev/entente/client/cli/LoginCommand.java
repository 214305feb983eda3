package dev.entente.client.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.entente.client.request.signin.SignInRedeemRequest;
import dev.entente.client.request.signin.Pkce;
import dev.entente.lifecycle.error.ErrorCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code entente login}: sign in with the hub's identity provider. The CLI listens on a loopback
 * port, sends the browser to the hub (which runs the provider's code flow, keeping its client
 * secret), receives a one-time code back on that port and trades it, with the verifier of the
 * challenge it sent, for a session token that it stores for the next commands.
 */
@Command(name = "login", description = "Sign in with the hub's identity provider; later commands use the session "
        + "(stored in $XDG_CONFIG_HOME/entente/session, else ~/.config/entente/session).")
final class LoginCommand extends ClientCommand {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
            description = "How long to wait for the browser to finish signing in (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--no-browser", description = "Only print the sign-in URL; do not try to open a browser.")
    boolean noBrowser;

    @Override
    public Integer call() throws IOException, InterruptedException {
        EntenteCommand root = root();
        EntenteCommand.Target target = root.target();
        HubClient hub = root.anonymousClient();
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
        HttpServer loopback = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicBoolean taken = new AtomicBoolean();
        loopback.createContext("/", exchange -> receive(exchange, taken, answer));
        loopback.start();
        try {
            // The first hop is the CLI's own, over the pinned connection: a hub without a provider,
            // or one that cannot reach it, says so now instead of in a browser tab.
            String url = hub.redirect("auth/oidc/login?port=" + loopback.getAddress().getPort()
                    + "&challenge=" + Pkce.challenge(verifier)).toString();
            PrintWriter err = spec.commandLine().getErr();
            err.println("Open this URL in a browser to sign in:");
            err.println("  " + url);
            err.flush();
            if (!noBrowser) {
                openBrowser(url);
            }
            Map<String, String> query;
            try {
                query = answer.get(timeoutSeconds, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw HubClient.problem(ErrorCode.OIDC_LOGIN_UNKNOWN, "no sign-in arrived within " + timeoutSeconds
                        + "s; run entente login again (--timeout to wait longer)");
            } catch (ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            }
            if (query.containsKey("error")) {
                String code = query.get("error");
                ErrorCode known = ErrorCode.byCode(code).orElse(ErrorCode.OIDC_LOGIN_UNKNOWN);
                throw HubClient.problem(known, (known.code().equals(code) ? "" : "the identity provider answered " + code + ": ")
                        + query.getOrDefault("error_description", "sign-in failed"));
            }
            JsonNode session = hub.post("auth/oidc/token", new SignInRedeemRequest(query.get("code"), verifier));
            java.util.List<String> roles = new ArrayList<>();
            session.path("roles").forEach(r -> roles.add(r.asText()));
            new SignInSession(target.url(), new ArrayList<>(target.pins()), session.path("token").asText(),
                    session.path("subject").asText(), roles, session.path("expires_at").asText()).save(root.env);
            if ("json".equals(root.output())) {
                var out = Output.JSON.createObjectNode();
                out.put("hub", target.url());
                out.put("subject", session.path("subject").asText());
                out.set("roles", session.path("roles"));
                out.put("expires_at", session.path("expires_at").asText());
                out.put("session_file", SignInSession.file(root.env).toString());
                return print(out);
            }
            PrintWriter out = spec.commandLine().getOut();
            out.println("Signed in to " + target.url() + " as " + session.path("subject").asText() + " (" + String.join(", ", roles)
                    + ") until " + session.path("expires_at").asText() + ".");
            out.println("Session stored in " + SignInSession.file(root.env) + "; 'entente logout' ends it.");
            out.flush();
            return 0;
        } finally {
            loopback.stop(0);
        }
    }

    /**
     * Takes the first request the browser sends to the loopback port, answers a page it can show,
     * and only then hands on its query: the command stops this server as soon as it has the query,
     * which must not cut the browser's page off.
     */
    private static void receive(HttpExchange exchange, AtomicBoolean taken, CompletableFuture<Map<String, String>> answer)
            throws IOException {
        Map<String, String> query = parse(exchange.getRequestURI().getRawQuery());
        boolean first = (query.containsKey("code") || query.containsKey("error")) && taken.compareAndSet(false, true);
        String page = !first ? "This sign-in already finished." : query.containsKey("code")
                ? "Signed in. You can close this tab and return to the terminal."
                : "Sign-in failed: " + query.get("error") + ". The terminal says more.";
        byte[] body = ("<!doctype html><title>entente login</title><p>" + page.replace("<", "&lt;") + "</p>")
                .getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
        exchange.sendResponseHeaders(first ? 200 : 400, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        } finally {
            if (first) {
                answer.complete(query);
            }
        }
    }

    private static Map<String, String> parse(String rawQuery) {
        Map<String, String> out = new HashMap<>();
        if (rawQuery == null) {
            return out;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.putIfAbsent(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Best effort: the URL is printed either way, for a host without a desktop. */
    private static void openBrowser(String url) {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String[] command = os.contains("mac") ? new String[]{"open", url}
                : os.contains("win") ? new String[]{"rundll32", "url.dll,FileProtocolHandler", url} : new String[]{"xdg-open", url};
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException e) {
            // no opener on this host: the printed URL is the way
        }
    }
}
