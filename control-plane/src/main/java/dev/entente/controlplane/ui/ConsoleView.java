package dev.entente.controlplane.ui;

import dev.entente.controlplane.api.Problems;
import dev.entente.controlplane.hub.HubIdentity;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.Permission;
import dev.entente.controlplane.security.Role;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.io.Writable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpHeaders;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.views.thymeleaf.ThymeleafViewsRenderer;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Renders console pages (Thymeleaf templates under {@code views/}) and the console's answers to
 * refusals and errors: a browser gets a page naming the problem code and its runbook section, any
 * other client the problem+json the admin API answers. Every {@code /ui} response carries the
 * headers of {@link #secure}.
 */
@Singleton
public class ConsoleView {
    /**
     * Nothing inline, nothing from elsewhere: templates hold no script or style, so an injected
     * tag can neither run nor restyle the page, and no other site can frame it or receive a form.
     */
    public static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "frame-ancestors 'none'; form-action 'self'; base-uri 'none'";
    private static final String HTML = "text/html; charset=utf-8";
    /** Where the console starts. */
    public static final String HOME = "/ui";
    /** The sign-in page. */
    public static final String SIGN_IN = "/ui/login";

    /** What a form did, shown once on the page it returns to ({@code ?done=suspended}); a fixed list, so a link cannot make the page say anything else. */
    private static final Map<String, String> NOTICES = Map.ofEntries(
            Map.entry("accepted", "Peer accepted: the handshake ran, and heartbeats start now."),
            Map.entry("suspended", "Peer suspended: the federation API refuses it until resumed."),
            Map.entry("resumed", "Peer resumed: it becomes active on its next heartbeat."),
            Map.entry("revoked", "Peer revoked: its certificates and grants are revoked for good."),
            Map.entry("repinned", "Peer re-pinned: the next heartbeat checks the new fingerprint."),
            Map.entry("grant_revoked", "Grant revoked."),
            Map.entry("rejected", "Approval request rejected."),
            Map.entry("rotated", "CA rotation moved one step."));

    @SuppressWarnings("rawtypes")
    private final ThymeleafViewsRenderer renderer;
    private final HubIdentity hub;

    @SuppressWarnings("rawtypes")
    public ConsoleView(ThymeleafViewsRenderer renderer, HubIdentity hub) {
        this.renderer = renderer;
        this.hub = hub;
    }

    /** Whether {@code path} is the console's. */
    public static boolean isConsole(String path) {
        return path.equals(HOME) || path.startsWith(HOME + "/");
    }

    /**
     * The headers of every console response: the CSP, no caching (pages show tokens once), no
     * sniffing, no referrer to other sites. Not {@code no-referrer}: under it a browser posts a
     * form with {@code Origin: null}, which Micronaut's guard against drive-by requests to a
     * loopback server refuses with an empty 403, so no form worked on a hub bound to 127.0.0.1.
     */
    public static void secure(MutableHttpResponse<?> response) {
        MutableHttpHeaders headers = response.getHeaders();
        headers.set("Content-Security-Policy", CSP);
        headers.set("X-Content-Type-Options", "nosniff");
        headers.set("X-Frame-Options", "DENY");
        headers.set("Referrer-Policy", "same-origin");
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
    }

    /** Whether the caller is a browser (it asks for HTML): it gets pages; anything else gets problem+json. */
    public static boolean wantsHtml(HttpRequest<?> request) {
        return request.accept().stream().anyMatch(t -> t.matches(MediaType.TEXT_HTML_TYPE));
    }

    /** The model every signed-in page starts from: the hub, the operator, what their roles allow, the form token. */
    public Map<String, Object> model(HttpRequest<?> request, String page) {
        Map<String, Object> model = new HashMap<>();
        model.put("page", page);
        model.put("hubName", hub.name());
        model.put("hubId", hub.hubId());
        request.getParameters().getFirst("done").map(NOTICES::get).ifPresent(n -> model.put("done", n));
        Optional<ConsoleSessions.Session> session = ConsoleGate.session(request);
        session.ifPresent(s -> {
            OperatorPrincipal operator = s.operator();
            model.put("operator", operator.subject());
            model.put("roles", operator.roles().stream().map(Role::value).sorted().collect(Collectors.joining(", ")));
            model.put("canWrite", allows(operator, Permission.WRITE));
            model.put("canApprove", allows(operator, Permission.APPROVE));
            model.put("csrf", s.formToken());
        });
        return model;
    }

    private static boolean allows(OperatorPrincipal operator, Permission p) {
        return operator.roles().stream().anyMatch(r -> r.allows(p));
    }

    /** {@code view} rendered with {@code model}, 200. */
    public MutableHttpResponse<String> page(HttpRequest<?> request, String view, Map<String, Object> model) {
        return render(HttpStatus.OK, request, view, model);
    }

    /** {@code view} rendered with {@code model}. */
    @SuppressWarnings("unchecked")
    public MutableHttpResponse<String> render(HttpStatus status, HttpRequest<?> request, String view, Map<String, Object> model) {
        Writable writable = renderer.render(view, model, request);
        StringWriter out = new StringWriter();
        try {
            writable.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        MutableHttpResponse<String> response = HttpResponse.<String>status(status).contentType(HTML).body(out.toString());
        secure(response);
        return response;
    }

    /** A redirect after a form (post, redirect, get): the browser shows {@code location} fresh. */
    public static MutableHttpResponse<?> seeOther(String location) {
        MutableHttpResponse<?> response = HttpResponse.seeOther(URI.create(location));
        secure(response);
        return response;
    }

    /** The answer to a command's or a page's error: the problem page, or problem+json. */
    public MutableHttpResponse<?> failure(HttpRequest<?> request, EntenteException e) {
        if (!wantsHtml(request)) {
            MutableHttpResponse<?> problem = Problems.response(e);
            secure(problem);
            return problem;
        }
        Map<String, Object> model = model(request, "error");
        model.put("code", e.code().code());
        model.put("title", e.code().title());
        model.put("detail", e.detail());
        model.put("status", e.code().status());
        model.put("runbook", e.code().runbook());
        model.put("runbookLink", runbookLink(e.code().code()));
        return render(HttpStatus.valueOf(e.code().status()), request, "error", model);
    }

    /**
     * The answer to a refusal by the route rules or the form check: without a session, a browser
     * goes to the sign-in page (saying why its session ended, when it had one); with one, it sees
     * the refusal.
     */
    public MutableHttpResponse<?> refused(HttpRequest<?> request, EntenteException e) {
        if (e.code() == ErrorCode.CONSOLE_SESSION_REQUIRED && wantsHtml(request)) {
            return seeOther(SIGN_IN + ConsoleGate.ended(request).map(x -> "?ended=" + x.value()).orElse(""));
        }
        return failure(request, e);
    }

    /** Where the console shows a code's runbook section. */
    public static String runbookLink(String code) {
        return HOME + "/runbook/" + code;
    }
}
