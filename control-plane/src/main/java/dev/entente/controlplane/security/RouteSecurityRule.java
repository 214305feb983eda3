package dev.entente.controlplane.security;

import dev.entente.controlplane.config.MetricsConfiguration;
import io.micronaut.http.HttpAttributes;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.web.router.RouteMatch;
import io.micronaut.web.router.UriRouteMatch;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.Optional;

/**
 * {@link RouteRules} as a Micronaut Security rule: anyone's and peers' routes pass, an operator's
 * route needs an authenticated operator whose roles grant its permission, and a route with no
 * rule is refused (closed by default). A refusal becomes an {@code AuthorizationException} that
 * {@link OperatorRejectionHandler} answers: 401 without an operator, 403 with one.
 */
@Singleton
public class RouteSecurityRule implements SecurityRule<HttpRequest<?>> {
    /** Ahead of Micronaut's own rules: this table is the hub's whole policy. */
    public static final int ORDER = -1000;
    private static final String METRICS = RouteRules.key("GET", "/metrics");

    private final boolean anonymousMetrics;

    public RouteSecurityRule(MetricsConfiguration metrics) {
        this.anonymousMetrics = metrics.unauthenticatedAccess();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Publisher<SecurityRuleResult> check(HttpRequest<?> request, Authentication authentication) {
        Optional<String> template = template(request);
        if (template.isEmpty()) {
            // no route: let the router answer 404 (micronaut.security.reject-not-found is off)
            return Mono.just(SecurityRuleResult.UNKNOWN);
        }
        Optional<RouteRules.Rule> rule = applied(method(request), template.get());
        if (rule.isEmpty()) {
            return Mono.just(SecurityRuleResult.REJECTED);
        }
        if (rule.get().caller() != RouteRules.Caller.OPERATOR) {
            return Mono.just(SecurityRuleResult.ALLOWED);
        }
        Optional<OperatorPrincipal> operator = OperatorTokenValidator.principal(request);
        return Mono.just(operator.isPresent() && rule.get().allows(operator.get().roles())
                ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
    }

    /** The rule of the route {@code request} matched; empty when it matched none or the route has no rule. */
    public static Optional<RouteRules.Rule> ruleOf(HttpRequest<?> request) {
        return template(request).flatMap(t -> RouteRules.of(method(request), t));
    }

    /** {@link #ruleOf} as this hub applies it, with its settings' one exception. */
    public Optional<RouteRules.Rule> appliedRuleOf(HttpRequest<?> request) {
        return template(request).flatMap(t -> applied(method(request), t));
    }

    /**
     * The table's rule, except {@code GET /metrics} for anyone when the setting says so: the table
     * stays the one every hub and the route × role spec read, and a hub whose port only a trusted
     * network reaches may still be scraped without a token, as Prometheus setups often are.
     */
    private Optional<RouteRules.Rule> applied(String method, String template) {
        Optional<RouteRules.Rule> rule = RouteRules.of(method, template);
        if (anonymousMetrics && RouteRules.key(method, template).equals(METRICS)) {
            return Optional.of(RouteRules.Rule.anyone());
        }
        return rule;
    }

    // Micronaut answers HEAD from the GET route: it needs what the GET needs.
    private static String method(HttpRequest<?> request) {
        String m = request.getMethodName();
        return "HEAD".equalsIgnoreCase(m) ? "GET" : m;
    }

    @SuppressWarnings("rawtypes")
    private static Optional<String> template(HttpRequest<?> request) {
        return request.getAttribute(HttpAttributes.ROUTE_MATCH, RouteMatch.class)
                .filter(UriRouteMatch.class::isInstance)
                .map(m -> ((UriRouteMatch) m).getRouteInfo().getUriMatchTemplate().toString());
    }
}
