package dev.entente.controlplane.api.token;

import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.federation.token.DecodeRequest;
import dev.entente.federation.token.TokenDecoding;
import dev.entente.federation.token.TokenInspector;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

/** {@code /api/v1/tokens}: what a token says and what became of it, for any operator who may read. */
@Controller("/api/v1/tokens")
public class TokenController {
    private final TokenInspector inspector;

    public TokenController(TokenInspector inspector) {
        this.inspector = inspector;
    }

    /** {@code peers token decode}: never spends the token; audited as {@code token.decoded}. */
    @Post("/decode")
    public TokenDecoding decode(HttpRequest<?> request, @Nullable @Body DecodeRequest body) {
        return inspector.decode(body == null ? null : body.token(), OperatorAuthFilter.principal(request).subject());
    }
}
