package dev.entente.controlplane.ui;

import dev.entente.controlplane.security.OperatorTokenValidator;
import dev.entente.controlplane.security.Role;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.Map;

/**
 * The console session {@link ConsoleGate} found, as Micronaut Security's authentication: the same
 * operator principal a bearer token yields, so {@code RouteSecurityRule} applies the route rules
 * to console routes exactly as to the admin API's. Console routes read no bearer token.
 */
@Singleton
public class ConsoleAuthentication implements AuthenticationFetcher<HttpRequest<?>> {
    @Override
    public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
        return ConsoleGate.session(request)
                .map(s -> Mono.just(Authentication.build(s.operator().subject(),
                        s.operator().roles().stream().map(Role::value).sorted().toList(),
                        Map.<String, Object>of(OperatorTokenValidator.PRINCIPAL, s.operator()))))
                .orElseGet(Mono::empty);
    }
}
