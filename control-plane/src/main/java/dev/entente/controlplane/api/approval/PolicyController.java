package dev.entente.controlplane.api.approval;

import dev.entente.client.request.approval.PolicyRequest;
import dev.entente.client.request.Bodies;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.approval.ApprovalPolicy;
import dev.entente.federation.command.SetApprovalPolicy;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;

import java.time.Clock;
import java.util.List;
import java.util.Objects;

/**
 * {@code /api/v1/approval-policies}: each action's approval policy (configured default, what an
 * operator set, who, why, until when), and setting one. Setting goes through the approval gate:
 * lowering a policy that requires approval waits for a second operator (202).
 */
@Controller("/api/v1/approval-policies")
public class PolicyController {
    private final ApprovalGate approvals;
    private final Clock clock;

    public PolicyController(ApprovalGate approvals, Clock clock) {
        this.approvals = approvals;
        this.clock = clock;
    }

    @Get
    public List<ApprovalPolicy> list(HttpRequest<?> request) {
        return approvals.policies().list(clock.instant());
    }

    @Put("/{action}")
    public HttpResponse<Object> set(HttpRequest<?> request, @PathVariable String action, @Nullable @Body PolicyRequest body) {
        var operator = OperatorAuthFilter.principal(request);
        PolicyRequest change = Objects.requireNonNullElse(body, PolicyRequest.EMPTY);
        var command = new SetApprovalPolicy(action, Bodies.required("policy", change.policy()), change.duration(),
                change.reason());
        var outcome = approvals.submit(command, operator.approvalOperator());
        return outcome.pending() ? HttpResponse.accepted().body(outcome.body()) : HttpResponse.ok(outcome.body());
    }
}
