package dev.entente.federation.command;

import java.util.Map;

/**
 * What only the hub's shell can do for a command: the operator-token key and table belong to its
 * security layer, the TLS it serves is held in memory there, and the audit keyring and TLS
 * certificate files are its bootstrap's.
 */
public interface CommandShell {
    /**
     * Mints and records the token {@code command} asks for, as {@code issuer}; answers
     * {@code {"token", "subject", "roles", "expires_at", "minted_by"}}.
     */
    Map<String, Object> mintOperatorToken(IssueOperatorToken command, String issuer);

    /** A rotation step committed: the served TLS takes up the new keys. */
    void rotationCommitted();

    /**
     * Rotates the hub's TLS key and certificate as {@code operator}; answers what {@code tls info}
     * shows afterwards.
     */
    Map<String, Object> rotateTls(String operator);

    /** Rotates the audit chain's signing key as {@code operator}; answers {@code {"key_id"}}. */
    Map<String, Object> rotateAuditKey(String operator);
}
