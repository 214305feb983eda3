package dev.entente.controlplane.ui;

import dev.entente.federation.approval.ApprovalAnswer;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.approval.ApprovalView;
import dev.entente.lifecycle.approval.ApprovalState;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Consumes;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Produces;

import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The approval queue: each pending request's requester, action, arguments and time left, with
 * approve and reject for a second operator (the approval lifecycle checks the approver's role
 * and that they are not the requester, as for the admin API); below it, the latest decisions.
 */
@Controller(ConsoleView.HOME + "/approvals")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class ApprovalsPage {
    private static final int HISTORY = 20;
    private final ConsoleView view;
    private final ConsoleActions actions;
    private final ApprovalGate approvals;
    private final Clock clock;

    public ApprovalsPage(ConsoleView view, ConsoleActions actions, ApprovalGate approvals, Clock clock) {
        this.view = view;
        this.actions = actions;
        this.approvals = approvals;
        this.clock = clock;
    }

    /** One request as the queue shows it. */
    public record ApprovalRow(String id, String action, String requester, String arguments, String state, String approver,
                              String reason, String createdAt, String timeLeft) {
        static ApprovalRow of(ApprovalView a, Instant now) {
            return new ApprovalRow(a.id(), a.action(), a.requester(), a.arguments() == null ? "" : a.arguments().toString(),
                    a.state(), a.approver(), a.reason(), a.createdAt(),
                    a.state().equals(ApprovalState.PENDING.value()) ? Ages.until(Instant.parse(a.expiresAt()), now) : null);
        }
    }

    @Get
    public HttpResponse<?> queue(HttpRequest<?> request) {
        return actions.attempt(request, () -> {
            Instant now = clock.instant();
            Map<String, Object> model = view.model(request, "approvals");
            model.put("pending", approvals.list(ApprovalState.PENDING).stream().map(a -> ApprovalRow.of(a, now)).toList());
            List<ApprovalRow> decided = approvals.list(null).stream()
                    .filter(a -> !a.state().equals(ApprovalState.PENDING.value()))
                    .sorted(Comparator.comparing(ApprovalView::createdAt).reversed()).limit(HISTORY)
                    .map(a -> ApprovalRow.of(a, now)).toList();
            model.put("decided", decided);
            return view.page(request, "approvals", model);
        });
    }

    /** Approves and runs the request; its result (secrets included) is shown to the approver once. */
    @Post("/{id}/approve")
    public HttpResponse<?> approve(HttpRequest<?> request, @PathVariable String id) {
        return actions.attempt(request, () -> {
            ApprovalAnswer.Executed executed = approvals.approve(uuid(id), ConsoleActions.operator(request).approvalOperator());
            Map<String, Object> model = view.model(request, "approvals");
            model.put("approval", ApprovalRow.of(executed.approval(), clock.instant()));
            model.put("result", executed.result() == null ? null : executed.result().toPrettyString());
            model.put("next", executed.next());
            return view.page(request, "approved", model);
        });
    }

    @Post("/{id}/reject")
    public HttpResponse<?> reject(HttpRequest<?> request, @PathVariable String id) {
        ConsoleForm form = ConsoleGate.form(request);
        return actions.attempt(request, () -> {
            approvals.reject(uuid(id), ConsoleActions.operator(request).approvalOperator(), form.get("reason"));
            return ConsoleView.seeOther(ConsoleView.HOME + "/approvals?done=rejected");
        });
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw new EntenteException(ErrorCode.NOT_FOUND, "no approval " + id + "; the queue lists them");
        }
    }
}
