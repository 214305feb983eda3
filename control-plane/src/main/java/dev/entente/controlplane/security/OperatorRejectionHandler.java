package dev.entente.controlplane.security;

import dev.entente.controlplane.api.AccessDenials;
import dev.entente.controlplane.api.Problems;
import dev.entente.controlplane.ui.ConsoleView;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Answers Micronaut Security's refusals the way the admin API always has: problem+json with the
 * precise code ({@code auth_token_*} for 401, {@code auth_role_forbidden} for 403) instead of the
 * default bare 401, and every refusal audited as {@code access.denied}. On the console's routes a
 * browser is sent to sign in ({@code console_session_required}) or shown the refusal as a page.
 */
@Produces
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
public class OperatorRejectionHandler implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {
    private final Tx tx;
    private final AuditLog audit;
    private final ConsoleView consoleView;

    public OperatorRejectionHandler(Tx tx, AuditLog audit, ConsoleView consoleView) {
        this.tx = tx;
        this.audit = audit;
        this.consoleView = consoleView;
    }

    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException exception) {
        HttpRequest<?> r = request;
        Optional<OperatorPrincipal> operator = OperatorTokenValidator.principal(r);
        boolean console = ConsoleView.isConsole(r.getPath());
        EntenteException e = operator.isPresent() ? forbidden(r, operator.get())
                : console ? new EntenteException(ErrorCode.CONSOLE_SESSION_REQUIRED, "sign in to the console first, at "
                + ConsoleView.SIGN_IN + "; console pages take no bearer token") : unauthenticated(r);
        AccessDenials.record(tx, audit, r, e, operator.map(OperatorPrincipal::subject).orElse("anonymous"));
        return console ? consoleView.refused(r, e) : Problems.response(e);
    }

    private static EntenteException unauthenticated(HttpRequest<?> request) {
        Optional<EntenteException> refusal = OperatorTokenValidator.refusal(request);
        if (refusal.isPresent()) {
            return refusal.get();
        }
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        if (header != null && !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return new EntenteException(ErrorCode.AUTH_TOKEN_MALFORMED, "the Authorization header must be 'Bearer <token>'");
        }
        return new EntenteException(ErrorCode.AUTH_TOKEN_MISSING,
                "send 'Authorization: Bearer <token>'; the local admin token is <data-dir>/admin.token");
    }

    private static EntenteException forbidden(HttpRequest<?> request, OperatorPrincipal operator) {
        String roles = operator.roles().stream().map(Role::value).sorted().collect(Collectors.joining(","));
        return RouteSecurityRule.ruleOf(request)
                .map(rule -> new EntenteException(ErrorCode.AUTH_ROLE_FORBIDDEN, "roles " + roles + " do not allow "
                        + rule.permission().name().toLowerCase() + "; ask an admin for a token with a role that does"))
                .orElseGet(() -> new EntenteException(ErrorCode.AUTH_ROLE_FORBIDDEN, request.getMethodName() + " "
                        + request.getPath() + " has no access rule, so nobody may call it; add one to RouteRules"));
    }
}
