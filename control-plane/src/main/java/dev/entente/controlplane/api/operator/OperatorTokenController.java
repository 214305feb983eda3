package dev.entente.controlplane.api.operator;

import dev.entente.controlplane.api.Bodies;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.approval.ApprovalGate;
import dev.entente.controlplane.hub.Durations;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.OperatorTokenMint;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.security.Permission;
import dev.entente.controlplane.security.Role;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;
import dev.entente.lifecycle.error.EntenteException;
import dev.entente.lifecycle.error.ErrorCode;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Post;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /api/v1/operators/tokens} (admin): issues an operator token. The token is in this
 * response only; the hub records its id, subject, roles, expiry and minting chain, never the token.
 * The new token's {@code minted_by} is the minter's chain plus the minter. Minting an approver
 * token goes through the approval gate ({@code operator.token.issue}) whenever any policy requires
 * approval: 202, and the requester collects the token once it is approved.
 */
@Controller("/api/v1/operators/tokens")
public class OperatorTokenController {
    /** Longest lifetime an operator token may ask for. */
    public static final Duration MAX_TTL = Duration.ofDays(365);
    private static final Duration DEFAULT_TTL = Duration.ofDays(30);
    private final ApprovalGate approvals;
    private final OperatorTokens tokens;
    private final Tx tx;
    private final AuditLog audit;

    public OperatorTokenController(ApprovalGate approvals, OperatorTokens tokens, Tx tx, AuditLog audit) {
        this.approvals = approvals;
        this.tokens = tokens;
        this.tx = tx;
        this.audit = audit;
    }

    @Post
    public HttpResponse<Map<String, Object>> issue(HttpRequest<?> request, @Body Map<String, Object> body) {
        OperatorPrincipal admin = OperatorAuthFilter.principal(request);
        admin.require(Permission.ADMIN);
        String subject = Bodies.string(body, "subject", false);
        if (subject == null || !subject.matches("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST,
                    "subject must be 1-64 characters of letters, digits, '.', '_', '@' or '-'");
        }
        String roleName = Bodies.string(body, "role", false);
        Role role = Role.parse(roleName == null ? "" : roleName).orElseThrow(() -> new EntenteException(
                ErrorCode.INVALID_REQUEST, "role must be one of admin, operator, approver, viewer"));
        String ttlText = Bodies.string(body, "expires_in", false);
        Duration ttl = ttlText == null ? DEFAULT_TTL : Durations.parse("expires_in", ttlText, MAX_TTL);
        if (ttl.isZero() || ttl.isNegative() || ttl.compareTo(MAX_TTL) > 0) {
            throw new EntenteException(ErrorCode.INVALID_REQUEST, "expires_in must be between 1s and 365d");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("subject", subject);
        args.put("role", role.value());
        args.put("expires_in", ttlText == null ? "30d" : ttlText);
        args.put("minted_by", chainOf(admin));
        if (role == Role.APPROVER && approvals.requiresApproval(ApprovalGate.TOKEN_ISSUE)) {
            return HttpResponse.accepted().body(approvals.submit(ApprovalGate.TOKEN_ISSUE, admin, args).body());
        }
        return HttpResponse.created(OperatorTokenMint.mint(tokens, tx, audit, args, admin.subject()));
    }

    // The new token's chain: the minter's own chain, then the minter.
    private List<String> chainOf(OperatorPrincipal minter) {
        List<String> chain = new java.util.ArrayList<>(approvals.mintingChain(minter));
        chain.add(minter.subject());
        return List.copyOf(chain);
    }
}
