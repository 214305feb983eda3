package dev.entente.controlplane.api.ca;

import dev.entente.client.request.ca.RotationRequest;
import dev.entente.ca.rotation.RotationLifecycle;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.RotateCa;
import dev.entente.federation.command.RotationMove;
import dev.entente.federation.renewal.Laggards;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;

import java.util.List;
import java.util.Objects;

/**
 * {@code /api/v1/ca}: rotation status per CA type, and the rotation moves
 * ({@code POST /api/v1/ca/rotate/start|advance|rollback} with {@code {"type", "force", "expected_phase"}}).
 * Advance and rollback must name the phase the caller saw and means to leave
 * ({@code expected_phase}); start may omit it, since only standby starts a rotation. A 200 means
 * the phase moved exactly one step; a stale phase is 409 {@code rotation_phase_changed}.
 */
@Controller("/api/v1/ca")
public class CaController {
    private final RotationLifecycle rotation;
    private final Laggards laggards;
    private final ApprovalGate approvals;

    public CaController(RotationLifecycle rotation, Laggards laggards, ApprovalGate approvals) {
        this.rotation = rotation;
        this.laggards = laggards;
        this.approvals = approvals;
    }

    @Get
    public List<CaStatus> status() {
        RotationLifecycle.Status status = rotation.status();
        return List.of(CaStatus.of(status, laggards.of(status)));
    }

    @Post("/rotate/{move}")
    public HttpResponse<?> rotate(HttpRequest<?> request, @PathVariable String move, @Nullable @Body RotationRequest body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        RotationRequest rotate = Objects.requireNonNullElse(body, RotationRequest.EMPTY);
        RotateCa.checkType(rotate.type());
        RotateCa command = new RotateCa(RotationMove.of(move), rotate.force(), rotate.expectedPhase());
        var outcome = approvals.submit(command, operator.approvalOperator());
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.ok(((CommandResult.CaRotated) outcome.result()).ca());
    }
}
