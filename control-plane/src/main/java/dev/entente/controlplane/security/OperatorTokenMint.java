package dev.entente.controlplane.security;

import dev.entente.controlplane.hub.HubBootstrap;
import dev.entente.federation.command.CommandResult;
import dev.entente.federation.command.IssueOperatorToken;
import dev.entente.lifecycle.audit.AuditEvent;
import dev.entente.lifecycle.audit.AuditEventType;
import dev.entente.lifecycle.audit.AuditLog;
import dev.entente.lifecycle.db.Tx;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Minting an operator token from a checked {@link IssueOperatorToken}: what the token route runs
 * at once, and what an approved {@code operator.token.issue} request runs later, so both record
 * and audit it the same way.
 */
public final class OperatorTokenMint {
    private OperatorTokenMint() {
    }

    /**
     * Mints the token {@code command} asks for as {@code issuer}; also what an approved
     * {@code operator.token.issue} runs, so the lifetime counts from now.
     */
    public static CommandResult.TokenMinted mint(OperatorTokens tokens, Tx tx, AuditLog audit, IssueOperatorToken command, String issuer) {
        String subject = command.subject();
        Role role = Role.parse(command.role()).orElseThrow();
        Duration ttl = command.lifetime();
        List<String> mintedBy = command.mintedBy();
        OperatorTokens.Issued issued = tokens.issue(subject, Set.of(role), ttl, mintedBy);
        tx.inTransaction(c -> {
            HubBootstrap.recordToken(c, issued, issuer);
            audit.append(c, AuditEvent.of(AuditEventType.OPERATOR_TOKEN_ISSUED, issuer, subject,
                    Map.of("roles", List.of(role.value()), "expires_at", issued.expiresAt().toString(),
                            "jti", issued.jti().toString(), "minted_by", mintedBy)));
            return null;
        });
        return new CommandResult.TokenMinted(issued.token(), subject, List.of(role.value()), issued.expiresAt().toString(),
                mintedBy);
    }
}
