package dev.entente.controlplane.api.ca;

import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.ca.rotation.RotationState;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.approval.ApprovalGate;
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

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code /api/v1/ca}: rotation status per CA type, and the rotation moves
 * ({@code POST /api/v1/ca/rotate/start|advance|rollback} with {@code {"type", "force", "expected_phase"}}).
 * Advance and rollback must name the phase the caller saw and means to leave
 * ({@code expected_phase}); start may omit it, since only standby starts a rotation. A 200 means
 * the phase moved exactly one step; a stale phase is 409 {@code rotation_phase_changed}.
 */
@Controller("/api/v1/ca")
public class CaController {
    private final ApprovalGate approvals;
    private final RotationLifecycle rotation;

    public CaController(ApprovalGate approvals, RotationLifecycle rotation) {
        this.approvals = approvals;
        this.rotation = rotation;
    }

    @Get
    public List<Map<String, Object>> status(HttpRequest<?> request) {
        OperatorAuthFilter.principal(request).require(Permission.READ);
        return List.of(rotation.status().toMap());
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
        args.put("expected_phase", expectedPhase(move, body == null ? null : body.get("expected_phase")).value());
        var outcome = approvals.submit("ca.rotate", operator, args);
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.ok(outcome.body().get("ca"));
    }

    // Required for advance and rollback: without it two identical calls could move two steps.
    private static RotationState expectedPhase(String move, Object value) {
        if (value == null && move.equals("start")) {
            return RotationState.STANDBY;
        }
        String phases = Arrays.stream(RotationState.values()).map(RotationState::value).collect(Collectors.joining(", "));
        if (value == null) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "expected_phase is required for " + move
                    + ": send the phase 'entente ca status' showed (one of " + phases + ")");
        }
        RotationState phase = Arrays.stream(RotationState.values()).filter(s -> s.value().equals(value)).findFirst()
                .orElseThrow(() -> new EntenteException(ErrorCode.INVALID_REQUEST,
                        "expected_phase must be one of " + phases + ", not " + value));
        if (move.equals("start") && phase != RotationState.STANDBY) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST,
                    "start leaves standby only; send expected_phase standby or leave it out");
        }
        return phase;
    }
}
