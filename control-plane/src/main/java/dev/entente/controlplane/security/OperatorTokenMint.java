package dev.entente.controlplane.security;

import dev.entente.controlplane.hub.Durations;
import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minting an operator token from checked arguments ({@code subject}, {@code role},
 * {@code expires_in}, {@code minted_by}): what the token route runs at once, and what an approved
 * {@code operator.token.issue} request runs later, so both record and audit it the same way.
 */
public final class OperatorTokenMint {
    private OperatorTokenMint() {
    }

    /**
     * Mints a token from checked arguments as {@code issuer}; also what an approved
     * {@code operator.token.issue} runs, so the lifetime counts from now.
     */
    public static Map<String, Object> mint(OperatorTokens tokens, Tx tx, AuditLog audit, Map<String, Object> args, String issuer) {
        String subject = (String) args.get("subject");
        Role role = Role.parse((String) args.get("role")).orElseThrow();
        Duration ttl = Durations.parse((String) args.get("expires_in"));
        List<String> mintedBy = ((List<?>) args.get("minted_by")).stream().map(String::valueOf).toList();
        OperatorTokens.Issued issued = tokens.issue(subject, Set.of(role), ttl, mintedBy);
        tx.inTransaction(c -> {
            HubBootstrap.recordToken(c, issued, issuer);
            audit.append(c, AuditEvent.of(AuditEventType.OPERATOR_TOKEN_ISSUED, issuer, subject,
                    Map.of("roles", List.of(role.value()), "expires_at", issued.expiresAt().toString(),
                            "jti", issued.jti().toString(), "minted_by", mintedBy)));
            return null;
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", issued.token());
        out.put("subject", subject);
        out.put("roles", List.of(role.value()));
        out.put("expires_at", issued.expiresAt().toString());
        out.put("minted_by", mintedBy);
        return out;
    }
}
