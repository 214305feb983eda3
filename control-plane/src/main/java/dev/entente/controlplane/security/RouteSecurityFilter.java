package dev.entente.controlplane.security;

import dev.entente.controlplane.ui.ConsoleGate;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Filter;
import io.micronaut.http.filter.ServerFilterChain;
import io.micronaut.security.config.SecurityConfiguration;
import io.micronaut.security.filters.AuthenticationFetcher;
import io.micronaut.security.filters.SecurityFilter;
import io.micronaut.security.rules.SecurityRule;
import org.reactivestreams.Publisher;

import java.util.Collection;

/**
 * Micronaut Security's filter, with one shortcut: a request that carries no credential (no
 * {@code Authorization} header, no console session) to a route anyone or a peer may call is
 * passed on at once. That is every peer's heartbeat, 300 a second at 9,000 peers, and for it the
 * full filter only ran the token resolvers to find nothing and then {@link RouteSecurityRule},
 * which allows such a route whoever calls, through a chain of Reactor operators that was a tenth
 * of the hub's steady CPU (issue 15). The route's own checks (the peer's mTLS certificate, grant
 * and acceptance tokens) are the controller's, as before; every other request takes the full filter.
 */
@Replaces(SecurityFilter.class)
@Filter("${micronaut.security.filter.pattern:" + Filter.MATCH_ALL_PATTERN + "}")
public class RouteSecurityFilter extends SecurityFilter {
    private final RouteSecurityRule routes;

    public RouteSecurityFilter(Collection<SecurityRule<HttpRequest<?>>> securityRules,
                               Collection<AuthenticationFetcher<HttpRequest<?>>> authenticationFetchers,
                               SecurityConfiguration securityConfiguration, RouteSecurityRule routes) {
        super(securityRules, authenticationFetchers, securityConfiguration);
        this.routes = routes;
    }

    @Override
    public Publisher<MutableHttpResponse<?>> doFilter(HttpRequest<?> request, ServerFilterChain chain) {
        if (open(request)) {
            // what the full filter leaves on such a request: it ran, and found no one
            request.setAttribute(KEY, true);
            return chain.proceed(request);
        }
        return super.doFilter(request, chain);
    }

    /** No credential any authentication fetcher reads, and a route whose rule does not ask for an operator. */
    private boolean open(HttpRequest<?> request) {
        if (request.getHeaders().contains(HttpHeaders.AUTHORIZATION) || ConsoleGate.session(request).isPresent()) {
            return false;
        }
        return routes.appliedRuleOf(request).map(r -> r.caller() != RouteRules.Caller.OPERATOR).orElse(false);
    }
}
