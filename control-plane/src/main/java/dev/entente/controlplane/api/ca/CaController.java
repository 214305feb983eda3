package dev.entente.controlplane.api.ca;

import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.Permission;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /api/v1/ca}: rotation status per CA type, and the rotation moves
 * ({@code POST /api/v1/ca/rotate/start|advance|rollback} with {@code {"type", "force"}}).
 */
@Controller("/api/v1/ca")
public class CaController {
    private final HubRuntime hub;

    public CaController(HubRuntime hub) {
        this.hub = hub;
    }

    @Get
    public List<Map<String, Object>> status(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        return List.of(hub.rotation().status().toMap());
    }

    @Post("/rotate/{move}")
    public HttpResponse<?> rotate(HttpRequest<?> request, @PathVariable String move, @Nullable @Body Map<String, Object> body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        operator.require(Permission.WRITE);
        Object type = body == null ? null : body.get("type");
        if (type != null && !"federation".equals(type)) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "unknown CA type " + type + "; the only type is federation");
        }
        if (!List.of("start", "advance", "rollback").contains(move)) {
            throw new EntenteException(ErrorCode.NOT_FOUND, "no rotation move " + move + "; use start, advance or rollback");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("move", move);
        args.put("force", body != null && Boolean.TRUE.equals(body.get("force")));
        var outcome = hub.approvals().submit("ca.rotate", operator, args);
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.ok(outcome.body().get("ca"));
    }
}
