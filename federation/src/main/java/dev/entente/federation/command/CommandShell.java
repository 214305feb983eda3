package dev.entente.federation.command;

import java.util.Map;

/**
 * What only the hub's shell can do for a command: the operator-token key and table belong to its
 * security layer, and the TLS it serves is held in memory there.
 */
public interface CommandShell {
    /**
     * Mints and records the token {@code command} asks for, as {@code issuer}; answers
     * {@code {"token", "subject", "roles", "expires_at", "minted_by"}}.
     */
    Map<String, Object> mintOperatorToken(IssueOperatorToken command, String issuer);

    /** A rotation step committed: the served TLS takes up the new keys. */
    void rotationCommitted();
}
