package dev.entente.controlplane.api.signin;

import dev.entente.client.request.signin.SignInRedeemRequest;
import dev.entente.controlplane.api.AccessDenials;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.OperatorTokenRecord;
import dev.entente.controlplane.security.OperatorTokenRegistry;
import dev.entente.controlplane.security.oidc.OidcIdentity;
import dev.entente.controlplane.security.oidc.OidcSignIn;
import dev.entente.controlplane.ui.ConsoleSignIn;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

import java.util.Optional;

/**
 * Sign-in with the identity provider ({@link OidcSignIn} runs it): {@code GET /auth/oidc/login}
 * sends the browser to the provider, {@code GET /auth/oidc/callback} takes it back and on to the
 * CLI (or, for a sign-in the web console started, into the console with its session cookie),
 * {@code POST /auth/oidc/token} hands the CLI its session once. {@code DELETE /api/v1/session}
 * ends the caller's session at the hub ({@code entente logout}).
 */
@Controller
public class SignInController {
    private final Optional<OidcSignIn> signIn;
    private final OperatorTokenRegistry registry;
    private final Tx tx;
    private final AuditLog audit;
    private final ConsoleSignIn console;

    public SignInController(Optional<OidcSignIn> signIn, OperatorTokenRegistry registry, Tx tx, AuditLog audit,
                            ConsoleSignIn console) {
        this.signIn = signIn;
        this.registry = registry;
        this.tx = tx;
        this.audit = audit;
        this.console = console;
    }

    @Get("/auth/oidc/login")
    public HttpResponse<?> login(@Nullable @QueryValue Integer port, @Nullable @QueryValue String challenge) {
        if (port == null) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "port is required: the CLI's loopback port ('entente login' sets it)");
        }
        return HttpResponse.seeOther(signIn().start(port, challenge));
    }

    @Get("/auth/oidc/callback")
    public HttpResponse<?> callback(HttpRequest<?> request, @Nullable @QueryValue String state, @Nullable @QueryValue String code,
                                    @Nullable @QueryValue String error, @Nullable @QueryValue("error_description") String errorDescription) {
        OidcSignIn.Callback answer = signIn().callback(state, code, error, errorDescription, ConsoleSignIn.browser(request));
        if (answer.refusal() != null) {
            AccessDenials.record(tx, audit, request, answer.refusal(), answer.refusedAs() == null ? "anonymous" : answer.refusedAs());
        }
        if (answer.console() != null) {
            return console.signedIn(request, answer.console());
        }
        return HttpResponse.seeOther(answer.location());
    }

    @Post("/auth/oidc/token")
    public OidcSignIn.Session redeem(@Body SignInRedeemRequest body) {
        return signIn().redeem(body.code(), body.verifier());
    }

    @Delete("/api/v1/session")
    public OperatorTokenRecord logout(HttpRequest<?> request) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        if (!OidcIdentity.isSession(operator.subject())) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, operator.subject() + " is a local operator token, not a sign-in "
                    + "session; an admin revokes it with 'entente operators token revoke " + operator.tokenId() + "'");
        }
        return registry.revoke(operator.tokenId(), "signed out", operator.subject());
    }

    private OidcSignIn signIn() {
        return signIn.orElseThrow(() -> new EntenteException(ErrorCode.OIDC_NOT_CONFIGURED,
                "this hub has no identity provider: set entente.oidc.issuer, client-id, client-secret and groups-to-roles"));
    }
}
