package dev.entente.lifecycle.error;

/** The runbook files, one per area of operation. */
public enum Runbook {
    STARTUP("startup-and-network"),
    TLS("tls-and-pinning"),
    TOKENS("tokens-and-handshake"),
    PEERS("peers-and-heartbeats"),
    GRANTS("grants-and-federation-api"),
    ROTATION("ca-rotation"),
    DATABASE("database-and-backup"),
    APPROVALS("approvals"),
    OPERATORS("operators-and-admin-api"),
    KEYS("keys-and-vault");

    private final String name;

    Runbook(String name) {
        this.name = name;
    }

    /** Path relative to the repository root, e.g. {@code runbooks/approvals.md}. */
    public String path() {
        return "runbooks/" + name + ".md";
    }
}
