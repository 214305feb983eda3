package dev.entente.controlplane.api.operator;

import dev.entente.controlplane.api.Bodies;
import dev.entente.controlplane.api.OperatorAuthFilter;
import dev.entente.controlplane.hub.Durations;
import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.controlplane.hub.HubRuntime;
import dev.entente.controlplane.security.OperatorPrincipal;
import dev.entente.controlplane.security.OperatorTokens;
import dev.entente.controlplane.security.Permission;
import dev.entente.controlplane.security.Role;
import dev.entente.lifecycle.audit.AuditEvent;
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
import java.util.Set;

/**
 * {@code POST /api/v1/operators/tokens} (admin): issues an operator token. The token is in this
 * response only; the hub records its id, subject, roles and expiry, never the token.
 */
@Controller("/api/v1/operators/tokens")
public class OperatorTokenController {
    /** Longest lifetime an operator token may ask for. */
    public static final Duration MAX_TTL = Duration.ofDays(365);
    private static final Duration DEFAULT_TTL = Duration.ofDays(30);
    private final HubRuntime hub;

    public OperatorTokenController(HubRuntime hub) {
        this.hub = hub;
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
        OperatorTokens.Issued issued = hub.tokens().issue(subject, Set.of(role), ttl);
        hub.tx().inTransaction(c -> {
            HubBootstrap.recordToken(c, issued, admin.subject());
            hub.audit().append(c, AuditEvent.of("operator.token_issued", admin.subject(), subject,
                    Map.of("roles", List.of(role.value()), "expires_at", issued.expiresAt().toString(),
                            "jti", issued.jti().toString())));
            return null;
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", issued.token());
        out.put("subject", subject);
        out.put("roles", List.of(role.value()));
        out.put("expires_at", issued.expiresAt().toString());
        return HttpResponse.created(out);
    }
}
