package dev.entente.controlplane.approval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.Role;
import dev.entente.lifecycle.approval.Approval;
import dev.entente.lifecycle.approval.ApprovalLifecycle;
import dev.entente.lifecycle.approval.ApprovalRepository;
import dev.entente.lifecycle.approval.ApprovalState;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The two-person rule. Every sensitive action goes through {@link #submit}: under policy
 * {@code auto} it runs at once; under {@code require_approval} nothing is applied, an approval
 * request is stored (pending, expiring after {@code entente.approvals.timeout}) and the caller
 * gets 202. {@link #approve} by another operator holding the approver role runs the action with
 * the requester's arguments, as the requester; if its preconditions changed meanwhile (peer
 * already revoked, rotation moved on) the action's own error comes back and the approval ends
 * {@code failed}, with nothing half-applied (each action is one transition or transaction).
 */
public final class ApprovalGate {
    /** The actions a policy can be set for. */
    public static final List<String> ACTIONS = List.of("peer.propose", "peer.accept", "peer.revoke", "grant.issue.write", "ca.rotate");
    /** Arguments and results that are secrets: kept out of API answers about approvals and out of stored results. */
    private static final Set<String> SECRETS = Set.of("token", "acceptance_token", "bearer_token");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What an action does with its arguments, as whom. */
    @FunctionalInterface
    public interface Action {
        Map<String, Object> execute(Map<String, Object> arguments, String requester);
    }

    /** Either the action's result (ran now) or the pending approval (202). */
    public record Outcome(boolean pending, Map<String, Object> body) {
    }

    private final HubRuntime hub;
    private final Map<String, String> policies;
    private final Map<String, Action> actions = new LinkedHashMap<>();
    private final ApprovalRepository repository;
    private final ApprovalLifecycle lifecycle;

    public ApprovalGate(HubRuntime hub, Map<String, String> policies) {
        this.hub = hub;
        this.policies = Map.copyOf(policies);
        this.repository = new ApprovalRepository(hub.tx());
        this.lifecycle = new ApprovalLifecycle(hub.engine());
    }

    public void register(String action, Action a) {
        if (!ACTIONS.contains(action)) {
            throw new IllegalArgumentException("unknown action " + action);
        }
        actions.put(action, a);
    }

    public boolean requiresApproval(String action) {
        return "require_approval".equals(policies.getOrDefault(action, "auto"));
    }

    public Outcome submit(String action, OperatorPrincipal requester, Map<String, Object> arguments) {
        Action a = actions.get(action);
        if (!requiresApproval(action)) {
            return new Outcome(false, a.execute(arguments, requester.subject()));
        }
        Instant expiresAt = hub.clock().instant().plus(hub.settings().approvalsTimeout());
        Approval approval = hub.tx().inTransaction(c -> {
            Approval created = repository.create(c, action, requester.subject(), json(arguments), expiresAt);
            hub.audit().append(c, AuditEvent.of("approval.requested", requester.subject(), created.id().toString(),
                    Map.of("action", action, "arguments", redact(arguments), "expires_at", expiresAt.toString())));
            return created;
        });
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("approval", toMap(approval));
        body.put("next", "entente approvals approve " + approval.id());
        return new Outcome(true, body);
    }

    /** Approve and execute; the action's result (secrets included, shown to the approver once). */
    public Map<String, Object> approve(UUID id, OperatorPrincipal approver) {
        Approval approval = find(id);
        Instant now = hub.clock().instant();
        List<String> roles = approver.roles().stream().map(Role::value).toList();
        try {
            lifecycle.approve(id, approver.subject(), roles, now);
        } catch (EntenteException e) {
            if (e.code() == ErrorCode.APPROVAL_EXPIRED) {
                lifecycle.expire(id, now);
            }
            throw e;
        }
        Map<String, Object> result;
        try {
            result = actions.get(approval.action()).execute(parse(approval.arguments()), approval.requester());
        } catch (EntenteException e) {
            lifecycle.fail(id, e.code().code() + ": " + e.detail());
            throw e;
        } catch (RuntimeException e) {
            lifecycle.fail(id, "internal_error: " + e);
            throw e;
        }
        lifecycle.complete(id, json(redact(result)));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("approval", toMap(find(id)));
        out.put("result", result);
        return out;
    }

    public Map<String, Object> reject(UUID id, OperatorPrincipal operator, String reason) {
        find(id);
        if (reason == null || reason.isBlank()) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "a rejection needs --reason");
        }
        lifecycle.reject(id, operator.subject(), reason);
        return Map.of("approval", toMap(find(id)));
    }

    /** Expires pending requests past their deadline; safe to run twice or on several replicas. */
    public int expireDue(Instant now) {
        int n = 0;
        for (Approval a : repository.listByState(ApprovalState.PENDING)) {
            if (a.isPastDeadline(now)) {
                try {
                    if (lifecycle.expire(a.id(), now).changed()) {
                        n++;
                    }
                } catch (EntenteException e) {
                    // decided or expired by someone else meanwhile: nothing to do
                }
            }
        }
        return n;
    }

    public List<Map<String, Object>> list(ApprovalState state) {
        List<Approval> all = state != null ? repository.listByState(state)
                : java.util.Arrays.stream(ApprovalState.values()).flatMap(s -> repository.listByState(s).stream())
                .sorted(java.util.Comparator.comparing(Approval::createdAt)).toList();
        return all.stream().map(ApprovalGate::toMap).collect(Collectors.toList());
    }

    public Map<String, Object> show(UUID id) {
        return toMap(find(id));
    }

    private Approval find(UUID id) {
        return repository.find(id).orElseThrow(() -> new EntenteException(ErrorCode.NOT_FOUND,
                "no approval " + id + "; 'entente approvals list' shows them"));
    }

    static Map<String, Object> toMap(Approval a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", a.id().toString());
        m.put("action", a.action());
        m.put("requester", a.requester());
        m.put("arguments", redact(parse(a.arguments())));
        m.put("state", a.state().value());
        m.put("approver", a.approver());
        m.put("reason", a.reason());
        m.put("result", a.result() == null ? null : tryParse(a.result()));
        m.put("created_at", a.createdAt().toString());
        m.put("expires_at", a.expiresAt().toString());
        return m;
    }

    private static Map<String, Object> redact(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, SECRETS.contains(k) && v != null ? "(redacted)"
                : v instanceof Map<?, ?> inner ? redact(castMap(inner)) : v));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }

    private static String json(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<Map<String, Object>>() {
            });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("approval arguments are not a JSON object", e);
        }
    }

    private static Object tryParse(String json) {
        try {
            return JSON.readValue(json, Object.class);
        } catch (JsonProcessingException e) {
            return json;
        }
    }
}
