package dev.entente.controlplane.security;

import dev.entente.controlplane.api.AccessDenials;
import dev.entente.controlplane.api.Problems;
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
 * default bare 401, and every refusal audited as {@code access.denied}.
 */
@Produces
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
public class OperatorRejectionHandler implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {
    private final Tx tx;
    private final AuditLog audit;

    public OperatorRejectionHandler(Tx tx, AuditLog audit) {
        this.tx = tx;
        this.audit = audit;
    }

    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException exception) {
        HttpRequest<?> r = request;
        Optional<OperatorPrincipal> operator = OperatorTokenValidator.principal(r);
        EntenteException e = operator.isPresent() ? forbidden(r, operator.get()) : unauthenticated(r);
        AccessDenials.record(tx, audit, r, e, operator.map(OperatorPrincipal::subject).orElse("anonymous"));
        return Problems.response(e);
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
