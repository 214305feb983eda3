package dev.entente.controlplane.api;

import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.OperatorTokenValidator;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;

/**
 * The operator of an admin API call, for controllers. Authentication and the route's permission
 * are Micronaut Security's work now ({@code security/OperatorTokenValidator},
 * {@code security/RouteSecurityRule}); this class keeps its name so the controllers' calls stay
 * put while issue 12 reshapes them.
 */
public final class OperatorAuthFilter {
    private OperatorAuthFilter() {
    }

    /** The operator of this request; {@code RouteSecurityRule} guarantees one on every operator route. */
    public static OperatorPrincipal principal(HttpRequest<?> request) {
        return OperatorTokenValidator.principal(request).orElseThrow(() ->
                new EntenteException(ErrorCode.AUTH_TOKEN_MISSING, "no operator on this request"));
    }
}
