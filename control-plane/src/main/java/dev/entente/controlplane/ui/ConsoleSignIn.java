package dev.entente.controlplane.ui;

import dev.entente.controlplane.api.AccessDenials;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.OperatorTokenValidator;
import dev.entente.controlplane.security.oidc.OidcSignIn;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;

import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * Signing in to the console and out of it. Two ways in: the identity provider (the hub runs the
 * authorization code flow with PKCE, {@link OidcSignIn}, and opens the console session at its
 * callback), or pasting an operator token, checked exactly as the admin API checks a bearer token.
 * Either way the browser gets a fresh session cookie; the token itself never reaches a cookie.
 */
@Controller(ConsoleView.HOME)
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class ConsoleSignIn {
    // a sign-in in progress lasts 10 minutes on the hub; the cookie no longer
    private static final long OIDC_COOKIE_TTL = 600;
    private final ConsoleView view;
    private final ConsoleSessions sessions;
    private final OperatorTokenValidator validator;
    private final Optional<OidcSignIn> oidc;
    private final Tx tx;
    private final AuditLog audit;

    public ConsoleSignIn(ConsoleView view, ConsoleSessions sessions, OperatorTokenValidator validator, Optional<OidcSignIn> oidc,
                         Tx tx, AuditLog audit) {
        this.view = view;
        this.sessions = sessions;
        this.validator = validator;
        this.oidc = oidc;
        this.tx = tx;
        this.audit = audit;
    }

    /**
     * The sign-in page; {@code ended} says why the last session ended, {@code error} why the
     * identity provider's sign-in did not finish (a problem code).
     */
    @Get("/login")
    public HttpResponse<?> page(HttpRequest<?> request, @Nullable @QueryValue String ended, @Nullable @QueryValue String error) {
        return signInPage(request, HttpStatus.OK, ended, error == null ? null : ErrorCode.byCode(error).orElse(null));
    }

    @Post("/login")
    public HttpResponse<?> signIn(HttpRequest<?> request) {
        String token = ConsoleGate.form(request).get("token");
        OperatorPrincipal operator;
        try {
            if (token == null) {
                throw new EntenteException(ErrorCode.AUTH_TOKEN_MISSING, "paste an operator token; the local admin token is "
                        + "<data-dir>/admin.token, others come from 'entente operators token issue'");
            }
            operator = validator.check(token);
        } catch (EntenteException e) {
            AccessDenials.record(tx, audit, request, e, "anonymous");
            return ConsoleView.wantsHtml(request) ? signInPage(request, HttpStatus.valueOf(e.code().status()), null, e.code())
                    : view.failure(request, e);
        }
        return ConsoleView.seeOther(ConsoleView.HOME)
                .cookie(ConsoleGate.sessionCookie(sessions, sessions.open(operator, ConsoleSessions.WITH_TOKEN)))
                .cookie(ConsoleGate.expired(sessions.signInCookie()));
    }

    /** Sends the browser to the identity provider; the sign-in comes back through the hub's callback. */
    @Get("/login/oidc")
    public HttpResponse<?> identityProvider(HttpRequest<?> request) {
        if (oidc.isEmpty()) {
            return view.failure(request, new EntenteException(ErrorCode.OIDC_NOT_CONFIGURED, "this hub has no identity provider: "
                    + "set entente.oidc.issuer, client-id, client-secret and groups-to-roles, or paste an operator token"));
        }
        String browser = ConsoleSessions.random();
        try {
            URI provider = oidc.get().startConsole(browser);
            // Set when the console sends a browser to the identity provider, sent back only to the
            // callback: the sign-in finishes in that browser alone.
            return ConsoleView.seeOther(provider.toString()).cookie(Cookie.of(sessions.browserCookie(), browser).httpOnly(true).secure(true)
                    // Lax: the provider's redirect back is a cross-site navigation, which Strict would strip it from
                    .sameSite(SameSite.Lax).path(OidcSignIn.CALLBACK_PATH).maxAge(OIDC_COOKIE_TTL));
        } catch (EntenteException e) {
            return view.failure(request, e);
        }
    }

    /** The value naming the browser that started a console sign-in, as the provider's callback receives it. */
    public String browser(HttpRequest<?> request) {
        return request.getCookies().findCookie(sessions.browserCookie()).map(Cookie::getValue).orElse(null);
    }

    @Post("/logout")
    public HttpResponse<?> signOut(HttpRequest<?> request) {
        ConsoleGate.session(request).ifPresent(sessions::close);
        MutableHttpResponse<?> out = ConsoleView.seeOther(ConsoleView.SIGN_IN + "?ended=signed_out")
                .cookie(ConsoleGate.expired(sessions.cookie()));
        // The old name's cookie is dropped only when it was this hub's session: it may be another hub's.
        return ConsoleGate.legacy(request) ? out.cookie(ConsoleGate.expired(ConsoleSessions.LEGACY_COOKIE)) : out;
    }

    /**
     * The end of a console sign-in at the identity provider's callback: a console session on the
     * session token just minted, and a page that moves on to the console. The hop through a page
     * of the hub's own matters: a redirect chain that began at the provider is cross-site, and the
     * browser would hold back the {@code SameSite=Strict} cookie on its first request.
     */
    public MutableHttpResponse<?> signedIn(HttpRequest<?> request, OidcSignIn.Session session) {
        OperatorPrincipal operator = validator.check(session.token());
        String cookie = sessions.open(operator, ConsoleSessions.WITH_OIDC);
        Map<String, Object> model = view.model(request, "signed-in");
        model.put("operator", operator.subject());
        return view.page(request, "signed-in", model).cookie(ConsoleGate.sessionCookie(sessions, cookie))
                .cookie(Cookie.of(sessions.browserCookie(), "").httpOnly(true).secure(true).path(OidcSignIn.CALLBACK_PATH).maxAge(0));
    }

    private MutableHttpResponse<?> signInPage(HttpRequest<?> request, HttpStatus status, String ended, ErrorCode error) {
        // A fresh value per page: the sign-in form's token is derived from it (double submit).
        String key = ConsoleSessions.random();
        Map<String, Object> model = view.model(request, "login");
        model.put("csrf", ConsoleSessions.formToken(key));
        model.put("oidc", oidc.isPresent());
        if (ended != null && ended.matches("[a-z_]{1,32}")) {
            model.put("ended", ended);
        }
        if (error != null) {
            model.put("code", error.code());
            model.put("title", error.title());
            model.put("runbookLink", ConsoleView.runbookLink(error.code()));
        }
        return view.render(status, request, "login", model).cookie(ConsoleGate.cookie(sessions.signInCookie(), key));
    }
}
