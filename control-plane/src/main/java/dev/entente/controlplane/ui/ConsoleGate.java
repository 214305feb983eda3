package dev.entente.controlplane.ui;

import dev.entente.controlplane.api.AccessDenials;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.order.Ordered;
import io.micronaut.http.HttpMethod;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ResponseFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.cookie.Cookie;
import io.micronaut.http.cookie.SameSite;
import io.micronaut.http.filter.ServerFilterPhase;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.Optional;

/**
 * The console's edge, after {@code InputGuard} and before Micronaut Security: finds the request's
 * session from its cookie (for {@link ConsoleAuthentication}), and refuses a form whose token is
 * not its session's before anything else reads it, so a forged form changes nothing and is not
 * even authorised. The sign-in form, posted before any session exists, carries the token of the
 * sign-in page's own cookie instead (double submit). Every console response gets the headers of
 * {@link ConsoleView#secure}.
 */
@ServerFilter({ConsoleView.HOME, ConsoleView.HOME + "/**"})
public class ConsoleGate implements Ordered {
    static final String SESSION = "entente.console.session";
    static final String ENDED = "entente.console.ended";
    /** Set when the session came in the cookie of {@link ConsoleSessions#LEGACY_COOKIE}'s name. */
    static final String LEGACY = "entente.console.legacy";

    private final ConsoleSessions sessions;
    private final ConsoleView view;
    private final Tx tx;
    private final AuditLog audit;

    public ConsoleGate(ConsoleSessions sessions, ConsoleView view, Tx tx, AuditLog audit) {
        this.sessions = sessions;
        this.view = view;
        this.tx = tx;
        this.audit = audit;
    }

    @Override
    public int getOrder() {
        return ServerFilterPhase.SECURITY.before();
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> admit(HttpRequest<?> request, @Nullable @Body byte[] body) {
        if (request.getPath().startsWith(ConsoleAssets.PATH)) {
            // the style sheet and script are anyone's: no session to find, no last use to move
            return null;
        }
        Optional<String> cookie = request.getCookies().findCookie(sessions.cookie()).map(Cookie::getValue);
        ConsoleSessions.Session session = null;
        if (cookie.isPresent()) {
            ConsoleSessions.Lookup found = sessions.find(cookie.get());
            session = found.session();
            request.setAttribute(session != null ? SESSION : ENDED, session != null ? session : found.ended());
        } else {
            Optional<String> legacy = request.getCookies().findCookie(ConsoleSessions.LEGACY_COOKIE).map(Cookie::getValue);
            session = legacy.map(sessions::find).map(ConsoleSessions.Lookup::session).orElse(null);
            if (session != null) {
                request.setAttribute(SESSION, session);
                request.setAttribute(LEGACY, Boolean.TRUE);
            }
        }
        if (request.getMethod() != HttpMethod.POST) {
            return null;
        }
        ConsoleForm form;
        try {
            form = ConsoleForm.parse(body);
        } catch (EntenteException e) {
            return view.failure(request, e);
        }
        request.setAttribute(ConsoleForm.ATTRIBUTE, form);
        String key;
        if (request.getPath().equals(ConsoleView.SIGN_IN)) {
            key = request.getCookies().findCookie(sessions.signInCookie()).map(Cookie::getValue).orElse(null);
        } else if (session != null) {
            key = session.cookie();
        } else {
            // No session: the route rules send the browser to sign in, and nothing runs.
            return null;
        }
        if (ConsoleSessions.formTokenMatches(key, form.get(ConsoleForm.CSRF))) {
            return null;
        }
        EntenteException refusal = new EntenteException(ErrorCode.CONSOLE_CSRF_INVALID, form.get(ConsoleForm.CSRF) == null
                ? "the form carried no form token; reload the page and submit it again"
                : "the form's token is not this session's; reload the page and submit it again");
        AccessDenials.record(tx, audit, request, refusal, session == null ? "anonymous" : session.operator().subject());
        return view.failure(request, refusal);
    }

    @ResponseFilter
    public void secure(MutableHttpResponse<?> response) {
        ConsoleView.secure(response);
    }

    /** The live session of this request, found by this filter. */
    public static Optional<ConsoleSessions.Session> session(HttpRequest<?> request) {
        return request.getAttribute(SESSION, ConsoleSessions.Session.class);
    }

    /** Why the session this request's cookie named has ended, if it named one that has. */
    static Optional<ConsoleSessions.Ended> ended(HttpRequest<?> request) {
        return request.getAttribute(ENDED, ConsoleSessions.Ended.class);
    }

    /** The form this request posted; empty for any other request. */
    public static ConsoleForm form(HttpRequest<?> request) {
        return request.getAttribute(ConsoleForm.ATTRIBUTE, ConsoleForm.class).orElse(ConsoleForm.EMPTY);
    }

    /** Whether this request's session came in the cookie of the name before cookies were named per hub. */
    static boolean legacy(HttpRequest<?> request) {
        return request.getAttribute(LEGACY, Boolean.class).orElse(false);
    }

    /** The session cookie: only this browser's console pages get it, only over HTTPS, never from another site's page. */
    static Cookie sessionCookie(ConsoleSessions sessions, String value) {
        return cookie(sessions.cookie(), value);
    }

    static Cookie cookie(String name, String value) {
        return Cookie.of(name, value).httpOnly(true).secure(true).sameSite(SameSite.Strict).path(ConsoleView.HOME);
    }

    /** A cookie that removes {@code name} from the browser. */
    static Cookie expired(String name) {
        return cookie(name, "").maxAge(0);
    }
}
