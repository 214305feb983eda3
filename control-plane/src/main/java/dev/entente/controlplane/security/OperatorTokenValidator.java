package dev.entente.controlplane.security;

import dev.entente.controlplane.config.AuthConfiguration;
import dev.entente.controlplane.ui.ConsoleView;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.token.validator.TokenValidator;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

import java.util.Map;
import java.util.Optional;

/**
 * Micronaut Security's bearer-token step for operators: {@link OperatorTokens} verifies the token
 * (keys in memory, so this works while the database is down) and {@link OperatorTokenRevocations}
 * refuses a revoked one; {@link OperatorTokenRegistry} notes its use. Micronaut Security only learns
 * "no authentication" from a refusal, so the precise refusal waits on the request for
 * {@link OperatorRejectionHandler}, which answers it with its own code.
 *
 * <p>The only token validator of the hub: micronaut-security-jwt's own Nimbus validator is
 * switched off ({@code micronaut.security.token.jwt.nimbus.reactive-validator: false}), since it
 * would accept a well-signed token this class refused (say, a malformed {@code minted_by}).
 */
@Singleton
public class OperatorTokenValidator implements TokenValidator<HttpRequest<?>> {
    /** The {@link Authentication} attribute holding the {@link OperatorPrincipal}. */
    public static final String PRINCIPAL = "entente.operator";
    /** The request attribute holding why a presented token was refused. */
    public static final String REFUSAL = "entente.operator.refusal";
    private static final String FEDERATION_PATH = "/federation/";

    private final OperatorTokens tokens;
    private final OperatorTokenRevocations revocations;
    private final OperatorTokenRegistry registry;
    private final boolean localTokens;

    public OperatorTokenValidator(OperatorTokens tokens, OperatorTokenRevocations revocations, OperatorTokenRegistry registry,
                                  AuthConfiguration auth) {
        this.localTokens = auth.localTokens();
        this.tokens = tokens;
        this.revocations = revocations;
        this.registry = registry;
    }

    @Override
    public Publisher<Authentication> validateToken(String token, HttpRequest<?> request) {
        if (request != null && request.getPath().startsWith(FEDERATION_PATH)) {
            // A peer's bearer there is a grant token, judged by the grant authorizer: verifying it
            // as an operator JWT would only fail, and build an exception on every federation call.
            return Mono.empty();
        }
        if (request != null && ConsoleView.isConsole(request.getPath())) {
            // The console's pages authenticate by their session cookie alone (ConsoleAuthentication).
            return Mono.empty();
        }
        try {
            OperatorPrincipal p = check(token);
            return Mono.just(Authentication.build(p.subject(), p.roles().stream().map(Role::value).sorted().toList(),
                    Map.of(PRINCIPAL, p)));
        } catch (EntenteException e) {
            if (request != null) {
                request.setAttribute(REFUSAL, e);
            }
            return Mono.empty();
        }
    }

    /**
     * The operator {@code token} authenticates, checked as every admin API call checks it: signature
     * and claims, revocation, and whether local tokens are accepted; its use is noted.
     *
     * @throws EntenteException the refusal, with its {@code auth_*} or {@code operator_token_*} code
     */
    public OperatorPrincipal check(String token) {
        OperatorPrincipal p = tokens.verify(token);
        if (revocations.isRevoked(p.tokenId())) {
            throw new EntenteException(ErrorCode.OPERATOR_TOKEN_REVOKED, "token " + p.tokenId() + " of " + p.subject()
                    + " was revoked; ask an admin for a new one ('entente operators token issue')");
        }
        if (!localTokens && !p.session() && !p.root()) {
            throw new EntenteException(ErrorCode.AUTH_LOCAL_TOKENS_DISABLED, "this hub accepts only sign-in sessions "
                    + "('entente login') and its own admin.token (entente.auth.local-tokens is false); "
                    + p.subject() + "'s token is a local one");
        }
        registry.used(p.tokenId());
        return p;
    }

    /** The operator Micronaut Security authenticated on {@code request}, if any. */
    public static Optional<OperatorPrincipal> principal(HttpRequest<?> request) {
        return request.getUserPrincipal(Authentication.class)
                .map(a -> a.getAttributes().get(PRINCIPAL))
                .filter(OperatorPrincipal.class::isInstance)
                .map(OperatorPrincipal.class::cast);
    }

    /** Why the token presented with {@code request} was refused, if one was. */
    public static Optional<EntenteException> refusal(HttpRequest<?> request) {
        return request.getAttribute(REFUSAL, EntenteException.class);
    }
}
