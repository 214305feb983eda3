package dev.entente.controlplane.api;

import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

import java.util.Optional;

/**
 * Authenticates every {@code /api/**} call with an operator bearer token. A failure answers
 * 401 with the precise code and is audited as {@code access.denied}; success leaves the
 * {@link OperatorPrincipal} on the request for the controller's permission check.
 */
@ServerFilter("/api/**")
public class OperatorAuthFilter {
    public static final String PRINCIPAL = "entente.operator";
    private final HubRuntime hub;

    public OperatorAuthFilter(HubRuntime hub) {
        this.hub = hub;
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    @Nullable
    public HttpResponse<?> authenticate(HttpRequest<?> request) {
        String header = request.getHeaders().get(HttpHeaders.AUTHORIZATION);
        String token = null;
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            token = header.substring(7).trim();
        } else if (header != null) {
            return deny(request, new EntenteException(ErrorCode.AUTH_TOKEN_MALFORMED,
                    "the Authorization header must be 'Bearer <token>'"));
        }
        try {
            request.setAttribute(PRINCIPAL, hub.tokens().verify(token));
            return null;
        } catch (EntenteException e) {
            return deny(request, e);
        }
    }

    private HttpResponse<?> deny(HttpRequest<?> request, EntenteException e) {
        AccessDenials.record(hub, request, e, "anonymous");
        return Problems.response(e);
    }

    /** The operator of this request; the filter guarantees it on every {@code /api/**} route. */
    public static OperatorPrincipal principal(HttpRequest<?> request) {
        Optional<OperatorPrincipal> p = request.getAttribute(PRINCIPAL, OperatorPrincipal.class);
        return p.orElseThrow(() -> new EntenteException(ErrorCode.AUTH_TOKEN_MISSING, "no operator on this request"));
    }
}
