package dev.entente.federation.command;

/**
 * What only the hub's shell can do for a command: the operator-token key and table belong to its
 * security layer, the TLS it serves is held in memory there, and the audit keyring and TLS
 * certificate files are its bootstrap's.
 */
public interface CommandShell {
    /** Mints and records the token {@code command} asks for, as {@code issuer}. */
    CommandResult.TokenMinted mintOperatorToken(IssueOperatorToken command, String issuer);

    /** A rotation step committed: the served TLS takes up the new keys. */
    void rotationCommitted();

    /**
     * Rotates the hub's TLS key and certificate as {@code operator}; answers what {@code tls info}
     * shows afterwards.
     */
    CommandResult.TlsInfo rotateTls(String operator);

    /** Rotates the audit chain's signing key as {@code operator}. */
    CommandResult.AuditKeyRotated rotateAuditKey(String operator);

    /**
     * Rotates the token-signing key as {@code operator}, in one transaction with its audit event;
     * {@code outstanding} counts, on that transaction, the acceptance and re-enrolment tokens the
     * old key signed that could still have been used (the shell adds the operator tokens).
     */
    CommandResult.KeysRotated rotateTokenSigningKey(String operator, OutstandingTokens outstanding);
}
