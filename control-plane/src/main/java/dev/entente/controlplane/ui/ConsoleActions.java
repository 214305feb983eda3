package dev.entente.controlplane.ui;

import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.federation.approval.ApprovalAnswer;
import dev.entente.federation.approval.ApprovalGate;
import dev.entente.federation.approval.ApprovalView;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.OperatorCommand;
import dev.entente.lifecycle.error.EntenteException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;

import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How a console form acts: it builds the same typed command the admin API builds and submits it
 * to the same approval gate, as the signed-in operator. A command that waits for a second
 * operator shows its pending approval, not success; a refused one shows its problem code and
 * runbook section; a secret it returns (an acceptance token, a grant's bearer) is shown once, on
 * the answer to the form, and never stored for a later page.
 */
@Singleton
public class ConsoleActions {
    private final ConsoleView view;
    private final ApprovalGate approvals;

    public ConsoleActions(ConsoleView view, ApprovalGate approvals) {
        this.view = view;
        this.approvals = approvals;
    }

    /** The signed-in operator; the route rules guarantee one on every action. */
    public static OperatorPrincipal operator(HttpRequest<?> request) {
        return OperatorAuthFilter.principal(request);
    }

    /**
     * Submits the command {@code command} makes (its record validates the form's values), then
     * answers what {@code done} makes of the result, or the pending approval.
     */
    public HttpResponse<?> submit(HttpRequest<?> request, Supplier<OperatorCommand> command,
                                  Function<CommandResult, HttpResponse<?>> done) {
        return attempt(request, () -> {
            ApprovalGate.Outcome outcome = approvals.submit(command.get(), operator(request).approvalOperator());
            return outcome.pending() ? pending(request, outcome.request()) : done.apply(outcome.result());
        });
    }

    /** Runs {@code work}; a refusal becomes the problem page. */
    public HttpResponse<?> attempt(HttpRequest<?> request, Supplier<HttpResponse<?>> work) {
        try {
            return work.get();
        } catch (EntenteException e) {
            return view.failure(request, e);
        }
    }

    /** The page for a command stored for approval. */
    public HttpResponse<?> pending(HttpRequest<?> request, ApprovalAnswer.Requested requested) {
        ApprovalView approval = requested.approval();
        Map<String, Object> model = view.model(request, "approvals");
        model.put("approval", approval);
        model.put("arguments", approval.arguments() == null ? "" : approval.arguments().toPrettyString());
        return view.render(HttpStatus.ACCEPTED, request, "pending", model);
    }

    /** A secret shown once, on the answer to the form that made it, with a copy button. */
    public HttpResponse<?> secret(HttpRequest<?> request, String page, String title, String message, String id, String secret,
                                  String back) {
        Map<String, Object> model = view.model(request, page);
        model.put("title", title);
        model.put("message", message);
        model.put("secretId", id);
        model.put("secret", secret);
        model.put("back", back);
        return view.page(request, "secret", model);
    }
}
