package dev.entente.controlplane.api.approval;

import dev.entente.federation.approval.ApprovalAnswer;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.approval.ApprovalView;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.client.request.ReasonRequest;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.lifecycle.approval.ApprovalState;
import dev.entente.lifecycle.engine.LifecycleState;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;

import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * {@code /api/v1/approvals}: list, show, approve (runs the action), reject, and collect (the
 * requester takes a secret result, such as an operator token minted under approval, once).
 */
@Controller("/api/v1/approvals")
public class ApprovalController {
    private final ApprovalGate approvals;

    public ApprovalController(ApprovalGate approvals) {
        this.approvals = approvals;
    }

    @Get
    public List<ApprovalView> list(HttpRequest<?> request, @Nullable @QueryValue String state) {
        ApprovalState s = null;
        if (state != null) {
            try {
                s = LifecycleState.fromValue(ApprovalState.class, state);
            } catch (RuntimeException e) {
                throw new EntenteException(ErrorCode.INVALID_REQUEST, "state is one of pending, approved, executed, failed, rejected, expired");
            }
        }
        return approvals.list(s);
    }

    @Get("/{id}")
    public ApprovalView show(HttpRequest<?> request, @PathVariable String id) {
        return approvals.show(uuid(id));
    }

    @Post("/{id}/approve")
    public ApprovalAnswer.Executed approve(HttpRequest<?> request, @PathVariable String id) {
        OperatorPrincipal approver = OperatorAuthFilter.principal(request);
        return approvals.approve(uuid(id), approver.approvalOperator());
    }

    @Post("/{id}/collect")
    public ApprovalAnswer.Collected collect(HttpRequest<?> request, @PathVariable String id) {
        OperatorPrincipal requester = OperatorAuthFilter.principal(request);
        return approvals.collect(uuid(id), requester.approvalOperator());
    }

    @Post("/{id}/reject")
    public ApprovalAnswer.Rejected reject(HttpRequest<?> request, @PathVariable String id, @Nullable @Body ReasonRequest body) {
        OperatorPrincipal operator = OperatorAuthFilter.principal(request);
        return approvals.reject(uuid(id), operator.approvalOperator(), Objects.requireNonNullElse(body, ReasonRequest.EMPTY).reason());
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.NOT_FOUND, "no approval " + id + "; 'entente approvals list' shows them");
        }
    }
}
